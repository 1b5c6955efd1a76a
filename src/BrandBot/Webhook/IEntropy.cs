using System.Security.Cryptography;

namespace BrandBot.Webhook;

/// <summary>Randomness for envelope prefixes, injected so tests can pin it.</summary>
public interface IEntropy
{
    void Fill(Span<byte> buffer);
}

public sealed class SystemEntropy : IEntropy
{
    public void Fill(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);
}
