namespace BrandBot.Protocol.Simulation;

/// <summary>The console's three encryption modes (明文 / 兼容 / 安全).</summary>
public enum PushMode
{
    Plain,
    Compatible,
    Safe,
}
