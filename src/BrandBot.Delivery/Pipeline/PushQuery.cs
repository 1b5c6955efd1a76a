using Microsoft.AspNetCore.Http;

namespace BrandBot.Webhook;

/// <summary>The signed query parameters of a push (protocol.md §2.1).</summary>
public sealed record PushQuery(string Signature, string Timestamp, string Nonce, string? EncryptType, string? MsgSignature)
{
    public static PushQuery From(IQueryCollection query) => new(
        query["signature"].ToString(),
        query["timestamp"].ToString(),
        query["nonce"].ToString(),
        query.TryGetValue("encrypt_type", out var type) ? type.ToString() : null,
        query.TryGetValue("msg_signature", out var msgSignature) ? msgSignature.ToString() : null);

    /// <summary>protocol.md §2.1: absent or <c>raw</c> is plaintext; <c>aes</c> is compatible or safe mode.</summary>
    public bool IsEncrypted => string.Equals(EncryptType, "aes", StringComparison.OrdinalIgnoreCase);

    public bool IsPlain => string.IsNullOrEmpty(EncryptType) || string.Equals(EncryptType, "raw", StringComparison.OrdinalIgnoreCase);
}
