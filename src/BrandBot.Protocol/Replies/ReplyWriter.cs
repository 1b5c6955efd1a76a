using System.Buffers;
using System.Buffers.Text;
using System.Text;
using BrandBot.Protocol.Crypto;

namespace BrandBot.Protocol.Replies;

/// <summary>Writes passive replies and the encrypted reply envelope (docs/protocol.md §2.5, §4.1).</summary>
public static class ReplyWriter
{
    /// <summary>The literal answer that tells WeChat "no passive reply, do not retry" (§4.9).</summary>
    public const string Success = "success";

    /// <summary>
    /// Writes the whole reply: To/From swapped relative to the push, CreateTime in seconds,
    /// then the prepared body. UTF-8 without BOM.
    /// </summary>
    /// <param name="toUser">The follower's OpenID (the push's FromUserName).</param>
    /// <param name="fromUser">The account's id (the push's ToUserName).</param>
    public static byte[] Write(string toUser, string fromUser, long createTime, ReplyBody body)
    {
        var head = new Head(toUser, fromUser);
        var result = new byte[head.Length(createTime) + body.Tail.Length];
        Write(head, createTime, body, result);
        return result;
    }

    /// <summary>
    /// The reply sealed for safe or compatible mode, written straight into its final bytes: the reply XML
    /// (into a pooled buffer), encrypted, base64 and signature written in place in the envelope. The
    /// random prefix and the <c>Nonce</c> are derived from <paramref name="pushIdentity"/> and the reply
    /// (<see cref="EnvelopeKey.DeriveReplyRandom"/>) and <c>TimeStamp</c> is the reply's CreateTime, so
    /// the same push answered with the same reply gives the same bytes wherever and whenever it is
    /// answered (docs/protocol.md §2.5).
    /// </summary>
    public static byte[] WriteSealed(
        EnvelopeKey key, ReadOnlySpan<byte> appId, string token, ReadOnlySpan<byte> pushIdentity,
        string toUser, string fromUser, long createTime, ReplyBody body)
    {
        var head = new Head(toUser, fromUser);
        var xmlLength = head.Length(createTime) + body.Tail.Length;
        var rented = ArrayPool<byte>.Shared.Rent(xmlLength);
        var xml = rented.AsSpan(0, xmlLength);
        try
        {
            Write(head, createTime, body, xml);
            Span<byte> prefix = stackalloc byte[16];
            key.DeriveReplyRandom(pushIdentity, xml, prefix, out var nonceValue);

            Span<byte> timeStamp = stackalloc byte[20];
            Utf8Formatter.TryFormat(createTime, timeStamp, out var timeStampLength);
            timeStamp = timeStamp[..timeStampLength];
            Span<byte> nonce = stackalloc byte[20];
            Utf8Formatter.TryFormat(nonceValue, nonce, out var nonceLength);
            nonce = nonce[..nonceLength];

            var encryptLength = Envelope.SealedLength(xmlLength, appId.Length);
            var result = new byte[EncryptOpen.Length + encryptLength + SignatureOpen.Length + Signature.HexLength
                + TimeStampOpen.Length + timeStamp.Length + NonceOpen.Length + nonce.Length + EnvelopeClose.Length];
            var at = result.AsSpan();
            at = Put(at, EncryptOpen);
            var encrypt = at[..encryptLength];
            // Base64 never contains "]]>": the CDATA needs no splitting.
            Envelope.Seal(key, prefix, xml, appId, encrypt);
            at = Put(at[encryptLength..], SignatureOpen);
            Span<byte> tokenUtf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(token.Length)];
            tokenUtf8 = tokenUtf8[..Encoding.UTF8.GetBytes(token, tokenUtf8)];
            // docs/protocol.md §2.5: the signature covers exactly the strings written into the envelope.
            Signature.Compute(tokenUtf8, timeStamp, nonce, encrypt, at);
            at = Put(at[Signature.HexLength..], TimeStampOpen);
            at = Put(at, timeStamp);
            at = Put(at, NonceOpen);
            at = Put(at, nonce);
            Put(at, EnvelopeClose);
            return result;
        }
        finally
        {
            // The reply went to one follower: clear it before the buffer goes back.
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(xml);
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ReadOnlySpan<byte> EncryptOpen => "<xml><Encrypt><![CDATA["u8;

    private static ReadOnlySpan<byte> SignatureOpen => "]]></Encrypt><MsgSignature><![CDATA["u8;

    private static ReadOnlySpan<byte> TimeStampOpen => "]]></MsgSignature><TimeStamp>"u8;

    private static ReadOnlySpan<byte> NonceOpen => "</TimeStamp><Nonce><![CDATA["u8;

    private static ReadOnlySpan<byte> EnvelopeClose => "]]></Nonce></xml>"u8;

    private static Span<byte> Put(Span<byte> destination, scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return destination[bytes.Length..];
    }

    private static void Write(Head head, long createTime, ReplyBody body, Span<byte> destination)
    {
        var at = Put(destination, "<xml><ToUserName><![CDATA["u8);
        at = at[Encoding.UTF8.GetBytes(head.To, at)..];
        at = Put(at, "]]></ToUserName><FromUserName><![CDATA["u8);
        at = at[Encoding.UTF8.GetBytes(head.From, at)..];
        at = Put(at, "]]></FromUserName><CreateTime>"u8);
        Utf8Formatter.TryFormat(createTime, at, out var digits);
        at = Put(at[digits..], "</CreateTime>"u8);
        body.Tail.Span.CopyTo(at);
    }

    /// <summary>The two names of the header, made safe for CDATA (docs/protocol.md §4.8; P8 splits <c>]]&gt;</c>).</summary>
    private readonly struct Head(string toUser, string fromUser)
    {
        public string To { get; } = Cdata(toUser);

        public string From { get; } = Cdata(fromUser);

        public int Length(long createTime) =>
            "<xml><ToUserName><![CDATA["u8.Length + Encoding.UTF8.GetByteCount(To)
            + "]]></ToUserName><FromUserName><![CDATA["u8.Length + Encoding.UTF8.GetByteCount(From)
            + "]]></FromUserName><CreateTime>"u8.Length + Digits(createTime) + "</CreateTime>"u8.Length;

        // Unchanged strings come back as they are: an OpenID and a gh_ id never need either step.
        private static string Cdata(string value) => XmlText.Sanitize(value).Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal);

        private static int Digits(long value)
        {
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(value, digits, out var written);
            return written;
        }
    }
}
