using System.Globalization;
using System.Text;
using BrandBot.Protocol.Crypto;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Xml;

namespace BrandBot.Protocol.Simulation;

/// <summary>
/// Builds a push exactly as WeChat would send it — query string and body, signed and, in compatible
/// and safe mode, encrypted — and decodes the reply. Used by <c>simulate</c> and by the tests.
/// </summary>
public sealed record SignedPush(string Query, byte[] Body)
{
    public static SignedPush Create(
        string token, string? appId, string? encodingAesKey, PushMode mode, string messageXml,
        long timestamp, string nonce, ReadOnlySpan<byte> prefix16)
    {
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        var signature = Signature.Compute(token, ts, nonce);
        if (mode == PushMode.Plain)
        {
            return new SignedPush($"signature={signature}&timestamp={ts}&nonce={nonce}", Encoding.UTF8.GetBytes(messageXml));
        }

        var key = AesKey.Decode(encodingAesKey ?? throw new ArgumentException("An EncodingAESKey is needed for encrypted modes."));
        var encrypt = Envelope.Seal(key, prefix16, Encoding.UTF8.GetBytes(messageXml), appId ?? "");
        var msgSignature = Signature.Compute(token, ts, nonce, encrypt);
        var fields = PushXmlReader.Read(Encoding.UTF8.GetBytes(messageXml));
        var body = new StringBuilder("<xml>");
        if (mode == PushMode.Compatible)
        {
            // docs/protocol.md §2.2: compatible mode carries every plaintext field beside Encrypt.
            var inner = messageXml.Trim();
            body.Append(inner[(inner.IndexOf('>') + 1)..inner.LastIndexOf("</", StringComparison.Ordinal)]);
        }
        else
        {
            body.Append("<ToUserName>");
            XmlText.AppendCdata(body, fields["ToUserName"] ?? "");
            body.Append("</ToUserName>");
        }

        body.Append("<Encrypt>");
        XmlText.AppendCdata(body, encrypt);
        body.Append("</Encrypt></xml>");
        var openId = Uri.EscapeDataString(fields["FromUserName"] ?? "");
        return new SignedPush(
            $"signature={signature}&timestamp={ts}&nonce={nonce}&openid={openId}&encrypt_type=aes&msg_signature={msgSignature}",
            Encoding.UTF8.GetBytes(body.ToString()));
    }

    /// <summary>Decodes a reply body: plaintext XML as is; an encrypted envelope is verified, then opened.</summary>
    public static string DecodeReply(string token, string? appId, string? encodingAesKey, string? previousEncodingAesKey, byte[] reply)
    {
        var text = Encoding.UTF8.GetString(reply);
        if (text is "success" or "" || !text.Contains("<Encrypt>", StringComparison.Ordinal))
        {
            return text;
        }

        var fields = PushXmlReader.Read(reply);
        var encrypt = fields["Encrypt"] ?? "";
        if (!Signature.Verify(fields["MsgSignature"], token, fields["TimeStamp"] ?? "", fields["Nonce"] ?? "", encrypt))
        {
            throw new WeChatCryptoException(WeChatCryptoError.ValidateSignature, "reply MsgSignature does not match");
        }

        var crypto = new AccountCrypto(appId ?? "", encodingAesKey ?? "", previousEncodingAesKey);
        return Encoding.UTF8.GetString(crypto.Open(encrypt).Message);
    }
}
