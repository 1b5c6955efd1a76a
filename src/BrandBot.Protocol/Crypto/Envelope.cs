using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Protocol.Crypto;

/// <summary>
/// The AES envelope of compatible and safe mode (docs/protocol.md §2.4): AES-256-CBC with IV = key[0..16],
/// WeChat's own PKCS#7 padding to 32 bytes, and a plaintext laid out as
/// random(16) | msg_len (uint32, big-endian) | msg | AppId.
/// Pure functions: the random prefix is an argument so the official fixed-random vectors are plain tests.
/// </summary>
public static class Envelope
{
    private const int PrefixLength = 16;
    private const int LengthFieldLength = 4;
    private const int HeaderLength = PrefixLength + LengthFieldLength;
    private const int PadBlock = 32;
    private const int AesBlock = 16;

    /// <summary>Decrypts an <c>Encrypt</c> value and returns the message bytes (UTF-8 XML).</summary>
    /// <exception cref="WeChatCryptoException">−40010 bad base64, −40007 bad cipher/padding,
    /// −40008 bad length field, −40005 AppId mismatch, −40004 bad key.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, string encrypt, string appId)
    {
        if (key.Length != AesKey.KeyLength)
        {
            throw new WeChatCryptoException(WeChatCryptoError.IllegalAesKey, "key must be 32 bytes");
        }

        // Pooled buffers: a safe-mode push's ciphertext and plaintext are a few KB each, and every push
        // has them; only the message itself leaves this method.
        var cipherBuffer = ArrayPool<byte>.Shared.Rent((encrypt.Length * 3 / 4) + 3);
        byte[]? plainBuffer = null;
        var plainLength = 0;
        try
        {
            if (!Convert.TryFromBase64String(encrypt, cipherBuffer, out var cipherLength))
            {
                throw new WeChatCryptoException(WeChatCryptoError.DecodeBase64, "Encrypt is not valid base64");
            }

            if (cipherLength == 0 || cipherLength % AesBlock != 0)
            {
                throw new WeChatCryptoException(WeChatCryptoError.DecryptAes, "ciphertext length is not a positive multiple of 16");
            }

            plainBuffer = ArrayPool<byte>.Shared.Rent(cipherLength);
            plainLength = CipherFor(key).DecryptCbc(cipherBuffer.AsSpan(0, cipherLength), key[..AesBlock], plainBuffer, PaddingMode.None);
            return Unwrap(plainBuffer.AsSpan(0, plainLength), appId);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cipherBuffer);
            if (plainBuffer is not null)
            {
                // The follower's message must not linger in a pooled buffer someone else gets next.
                CryptographicOperations.ZeroMemory(plainBuffer.AsSpan(0, plainLength));
                ArrayPool<byte>.Shared.Return(plainBuffer);
            }
        }
    }

    /// <summary>Encrypts <paramref name="message"/> and returns the base64 <c>Encrypt</c> value.</summary>
    public static string Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> prefix16, ReadOnlySpan<byte> message, string appId)
    {
        if (key.Length != AesKey.KeyLength)
        {
            throw new WeChatCryptoException(WeChatCryptoError.IllegalAesKey, "key must be 32 bytes");
        }

        if (prefix16.Length != PrefixLength)
        {
            throw new ArgumentException("The random prefix must be 16 bytes.", nameof(prefix16));
        }

        var appIdLength = Encoding.ASCII.GetByteCount(appId);
        var contentLength = HeaderLength + message.Length + appIdLength;
        // docs/protocol.md §2.4: pad with P = 32 − (N mod 32) bytes of value P; a full block when N is aligned.
        var pad = PadBlock - (contentLength % PadBlock);
        var plainLength = contentLength + pad;
        var plainBuffer = ArrayPool<byte>.Shared.Rent(plainLength);
        var cipherBuffer = ArrayPool<byte>.Shared.Rent(plainLength);
        var plain = plainBuffer.AsSpan(0, plainLength);
        try
        {
            prefix16.CopyTo(plain);
            BinaryPrimitives.WriteUInt32BigEndian(plain[PrefixLength..], (uint)message.Length);
            message.CopyTo(plain[HeaderLength..]);
            Encoding.ASCII.GetBytes(appId, plain[(HeaderLength + message.Length)..]);
            plain[contentLength..].Fill((byte)pad);

            var written = CipherFor(key).EncryptCbc(plain, key[..AesBlock], cipherBuffer, PaddingMode.None);
            return Convert.ToBase64String(cipherBuffer.AsSpan(0, written));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            ArrayPool<byte>.Shared.Return(plainBuffer);
            ArrayPool<byte>.Shared.Return(cipherBuffer);
        }
    }

    // A key schedule per thread and key, set up once: creating the cipher and setting its key on
    // every push cost more than the encryption itself. One-shot CBC calls keep no state between
    // calls, and a thread never shares its instances.
    [ThreadStatic]
    private static List<(byte[] Key, Aes Cipher)>? t_ciphers;

    private const int CiphersPerThread = 8;

    private static Aes CipherFor(ReadOnlySpan<byte> key)
    {
        var ciphers = t_ciphers ??= new(CiphersPerThread);
        foreach (var (known, cipher) in ciphers)
        {
            if (key.SequenceEqual(known))
            {
                return cipher;
            }
        }

        if (ciphers.Count == CiphersPerThread)
        {
            // More keys than accounts normally have (current + previous each): forget the oldest.
            ciphers[0].Cipher.Dispose();
            ciphers.RemoveAt(0);
        }

        var copy = key.ToArray();
        var created = Aes.Create();
        created.Key = copy;
        ciphers.Add((copy, created));
        return created;
    }

    private static byte[] Unwrap(ReadOnlySpan<byte> plain, string appId)
    {
        // Strict unpadding (docs/protocol.md §2.4 recommends it over the samples' lenient form): a wrong
        // key produces garbage, and rejecting it here is what lets key rotation try the other key.
        var pad = plain[^1];
        if (pad is < 1 or > PadBlock || pad > plain.Length)
        {
            throw new WeChatCryptoException(WeChatCryptoError.DecryptAes, "invalid padding");
        }

        foreach (var b in plain[^pad..])
        {
            if (b != pad)
            {
                throw new WeChatCryptoException(WeChatCryptoError.DecryptAes, "invalid padding");
            }
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

        var message = content.Slice(HeaderLength, (int)messageLength);
        var receivedAppId = content[(HeaderLength + (int)messageLength)..];
        if (!AppIdEquals(receivedAppId, appId))
        {
            throw new WeChatCryptoException(WeChatCryptoError.ValidateAppId, "AppId in the envelope does not match the account");
        }

        return message.ToArray();
    }

    private static bool AppIdEquals(ReadOnlySpan<byte> received, string appId)
    {
        if (received.Length != appId.Length)
        {
            return false;
        }

        for (var i = 0; i < received.Length; i++)
        {
            if (received[i] != appId[i])
            {
                return false;
            }
        }

        return true;
    }
}
