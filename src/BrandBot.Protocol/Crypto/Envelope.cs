using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BrandBot.Protocol.Crypto.Ciphers;

namespace BrandBot.Protocol.Crypto;

/// <summary>
/// The AES envelope of compatible and safe mode (docs/protocol.md §2.4): AES-256-CBC with IV = key[0..16],
/// WeChat's own PKCS#7 padding to 32 bytes, and a plaintext laid out as
/// random(16) | msg_len (uint32, big-endian) | msg | AppId.
/// Pure functions: the random prefix is an argument so the official fixed-random vectors are plain tests.
/// The push path uses the <see cref="EnvelopeKey"/> forms (UTF-8 spans in and out; on CPUs with AES
/// instructions the key schedule is made once per key, while the fallback, .NET's <c>Aes</c>, expands it
/// again on every call: see <see cref="AesCbc"/>); the forms over a raw key and strings are for tools and tests.
/// </summary>
public static class Envelope
{
    private const int PrefixLength = 16;
    private const int LengthFieldLength = 4;
    private const int HeaderLength = PrefixLength + LengthFieldLength;
    private const int PadBlock = 32;

    /// <summary>Decrypts an <c>Encrypt</c> value and returns the message bytes (UTF-8 XML).</summary>
    /// <exception cref="WeChatCryptoException">−40010 bad base64, −40007 bad cipher/padding,
    /// −40008 bad length field, −40005 AppId mismatch, −40004 bad key.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, string encrypt, string appId)
    {
        using var envelopeKey = new EnvelopeKey(key);
        using var opened = Open(envelopeKey, Encoding.UTF8.GetBytes(encrypt), Encoding.UTF8.GetBytes(appId));
        return opened.Message.ToArray();
    }

    /// <summary>
    /// Decrypts the <c>Encrypt</c> text (base64 as UTF-8 bytes, e.g. a slice of the request body) into a
    /// pooled buffer; disposing the result clears and returns it.
    /// </summary>
    /// <param name="appId">The account's AppId as UTF-8 (ASCII in practice).</param>
    public static OpenedMessage Open(EnvelopeKey key, ReadOnlySpan<byte> encrypt, ReadOnlySpan<byte> appId)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(Base64.GetMaxDecodedFromUtf8Length(encrypt.Length), AesCbc.BlockLength));
        var length = 0;
        try
        {
            if (Base64.DecodeFromUtf8(encrypt, buffer, out var consumed, out length) != OperationStatus.Done || consumed != encrypt.Length)
            {
                throw new WeChatCryptoException(WeChatCryptoError.DecodeBase64, "Encrypt is not valid base64");
            }

            if (length == 0 || length % AesCbc.BlockLength != 0)
            {
                throw new WeChatCryptoException(WeChatCryptoError.DecryptAes, "ciphertext length is not a positive multiple of 16");
            }

            var plain = buffer.AsSpan(0, length);
            key.Cipher.Decrypt(key.Iv, plain, plain);
            var (start, messageLength) = Unwrap(plain, appId);
            var opened = new OpenedMessage(buffer, start, messageLength, length);
            buffer = null;
            return opened;
        }
        finally
        {
            if (buffer is not null)
            {
                // The follower's message must not linger in a pooled buffer someone else gets next.
                CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Encrypts <paramref name="message"/> and returns the base64 <c>Encrypt</c> value.</summary>
    public static string Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> prefix16, ReadOnlySpan<byte> message, string appId)
    {
        using var envelopeKey = new EnvelopeKey(key);
        var appIdBytes = Encoding.UTF8.GetBytes(appId);
        var base64 = new byte[SealedLength(message.Length, appIdBytes.Length)];
        Seal(envelopeKey, prefix16, message, appIdBytes, base64);
        return Encoding.ASCII.GetString(base64);
    }

    /// <summary>The length of the base64 <c>Encrypt</c> text <see cref="Seal(EnvelopeKey, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> writes.</summary>
    public static int SealedLength(int messageLength, int appIdLength) =>
        Base64.GetMaxEncodedToUtf8Length(PaddedLength(HeaderLength + messageLength + appIdLength));

    /// <summary>Encrypts <paramref name="message"/> and writes the base64 <c>Encrypt</c> text (ASCII) into <paramref name="base64"/>.</summary>
    public static void Seal(EnvelopeKey key, ReadOnlySpan<byte> prefix16, ReadOnlySpan<byte> message, ReadOnlySpan<byte> appId, Span<byte> base64)
    {
        if (prefix16.Length != PrefixLength)
        {
            throw new ArgumentException("The random prefix must be 16 bytes.", nameof(prefix16));
        }

        var contentLength = HeaderLength + message.Length + appId.Length;
        var plainLength = PaddedLength(contentLength);
        if (base64.Length < Base64.GetMaxEncodedToUtf8Length(plainLength))
        {
            throw new ArgumentException("The destination is too short; see SealedLength.", nameof(base64));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(plainLength);
        var plain = buffer.AsSpan(0, plainLength);
        try
        {
            prefix16.CopyTo(plain);
            BinaryPrimitives.WriteUInt32BigEndian(plain[PrefixLength..], (uint)message.Length);
            message.CopyTo(plain[HeaderLength..]);
            appId.CopyTo(plain[(HeaderLength + message.Length)..]);
            // docs/protocol.md §2.4: pad with P = 32 − (N mod 32) bytes of value P; a full block when N is aligned.
            plain[contentLength..].Fill((byte)(plainLength - contentLength));
            key.Cipher.Encrypt(key.Iv, plain, plain);
            Base64.EncodeToUtf8(plain, base64, out _, out _);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int PaddedLength(int contentLength) => contentLength + PadBlock - (contentLength % PadBlock);

    /// <summary>Where the message lies in the decrypted buffer.</summary>
    private static (int Start, int Length) Unwrap(ReadOnlySpan<byte> plain, ReadOnlySpan<byte> appId)
    {
        // Strict unpadding (docs/protocol.md §2.4 recommends it over the samples' lenient form): a wrong
        // key produces garbage, and rejecting it here is what lets key rotation try the other key. These
        // checks branch on the plaintext, but they only run on a body whose msg_signature was checked
        // first (docs/protocol.md §11.3): without the Token nobody can ask them a question.
        var pad = plain[^1];
        if (pad is < 1 or > PadBlock || pad > plain.Length || plain[^pad..].ContainsAnyExcept(pad))
        {
            throw new WeChatCryptoException(WeChatCryptoError.DecryptAes, "invalid padding");
        }

        var content = plain[..^pad];
        if (content.Length < HeaderLength)
        {
            throw new WeChatCryptoException(WeChatCryptoError.IllegalBuffer, "decrypted buffer too short");
        }

        var messageLength = BinaryPrimitives.ReadUInt32BigEndian(content.Slice(PrefixLength, LengthFieldLength));
        if (messageLength > (uint)(content.Length - HeaderLength))
        {
            throw new WeChatCryptoException(WeChatCryptoError.IllegalBuffer, "message length exceeds buffer");
        }

        if (!content[(HeaderLength + (int)messageLength)..].SequenceEqual(appId))
        {
            throw new WeChatCryptoException(WeChatCryptoError.ValidateAppId, "AppId in the envelope does not match the account");
        }

        return (HeaderLength, (int)messageLength);
    }
}
