namespace BrandBot.Protocol.Crypto;

/// <summary>A failure of the signature or envelope layer, carrying the official code.</summary>
public sealed class WeChatCryptoException(WeChatCryptoError error, string reason)
    : Exception($"{(int)error} {error}: {reason}")
{
    public WeChatCryptoError Error { get; } = error;

    /// <summary>The official numeric code, e.g. −40001.</summary>
    public int Code => (int)Error;

    /// <summary>A short, secret-free reason suitable for logs and metrics labels.</summary>
    public string Reason { get; } = reason;
}
