namespace BrandBot.Protocol.Xml;

/// <summary>A push body that is not acceptable XML. The reason is safe to log (no body content).</summary>
public sealed class InboundXmlException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    public string Reason { get; } = reason;
}
