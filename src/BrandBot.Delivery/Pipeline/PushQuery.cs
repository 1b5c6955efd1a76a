
using System.Collections.Specialized;
using System.Web;

namespace BrandBot.Delivery.Pipeline;

/// <summary>The signed query parameters of a push (docs/protocol.md §2.1).</summary>
public sealed record PushQuery(string Signature, string Timestamp, string Nonce, string? EncryptType, string? MsgSignature)
{
    /// <summary>From a raw query string (<c>?signature=…</c>); the HTTP edge builds it from the parsed request instead.</summary>
    public static PushQuery Parse(string query)
    {
        NameValueCollection values = HttpUtility.ParseQueryString(query);
        return new(values["signature"] ?? "", values["timestamp"] ?? "", values["nonce"] ?? "", values["encrypt_type"], values["msg_signature"]);
    }

    /// <summary>docs/protocol.md §2.1: absent or <c>raw</c> is plaintext; <c>aes</c> is compatible or safe mode.</summary>
    public bool IsEncrypted => string.Equals(EncryptType, "aes", StringComparison.OrdinalIgnoreCase);

    public bool IsPlain => string.IsNullOrEmpty(EncryptType) || string.Equals(EncryptType, "raw", StringComparison.OrdinalIgnoreCase);
}
