using System.Buffers.Binary;
using System.Security.Cryptography;
using BrandBot.Protocol.Crypto.Ciphers;

namespace BrandBot.Protocol.Crypto;

/// <summary>
/// One 32-byte envelope key made ready once (docs/protocol.md §2.4): the AES key schedule, the IV
/// (the key's first 16 bytes) and a secret derived from the key for the reply's random prefix and
/// nonce. Shared by every thread; <see cref="Dispose"/> zeroes what it holds.
/// </summary>
public sealed class EnvelopeKey : IDisposable
{
    private static readonly byte[] ReplyRandomLabel = "BrandBot reply random v1"u8.ToArray();

    private readonly byte[] _iv = GC.AllocateArray<byte>(AesCbc.BlockLength, pinned: true);
    private readonly byte[] _replySecret = GC.AllocateArray<byte>(HMACSHA256.HashSizeInBytes, pinned: true);
    private readonly byte[] _key = GC.AllocateArray<byte>(AesKey.KeyLength, pinned: true);

    public EnvelopeKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != AesKey.KeyLength)
        {
            throw new WeChatCryptoException(WeChatCryptoError.IllegalAesKey, "key must be 32 bytes");
        }

        Cipher = AesCbc.Create(key);
        key.CopyTo(_key);
        key[..AesCbc.BlockLength].CopyTo(_iv);
        // A key of its own for deriving reply randomness, so the AES key itself never keys anything else.
        HMACSHA256.HashData(key, ReplyRandomLabel, _replySecret);
    }

    internal AesCbc Cipher { get; }

    internal ReadOnlySpan<byte> Iv => _iv;

    /// <summary>Which AES implementation this key runs on (see <see cref="AesCbc.Preferred"/>).</summary>
    public string Implementation => Cipher.Implementation;

    /// <summary>True when both hold the same key (the key itself is never handed out).</summary>
    public bool SameKeyAs(ReadOnlySpan<byte> key) => CryptographicOperations.FixedTimeEquals(_key, key);

    /// <summary>
    /// The reply envelope's random prefix and nonce as a keyed function of the push and the reply
    /// (docs/protocol.md §2.5, "Deterministic reply randomness"): HMAC-SHA256 under a key derived from
    /// this one, over the push's identity and the reply's plaintext. Every attempt of a push gets the
    /// same bytes on every instance; distinct pushes or replies get unrelated ones, unpredictable
    /// without the key.
    /// </summary>
    /// <param name="nonce">A 10-digit number for the envelope's <c>Nonce</c>.</param>
    public void DeriveReplyRandom(ReadOnlySpan<byte> pushIdentity, ReadOnlySpan<byte> reply, Span<byte> prefix16, out long nonce)
    {
        if (prefix16.Length != AesCbc.BlockLength)
        {
            throw new ArgumentException("The prefix is 16 bytes.", nameof(prefix16));
        }

        var hmac = HmacForThisThread();
        // The identity's length first: no two (identity, reply) pairs concatenate to the same input. Laid end
        // to end so that OpenSSL is called once for the data (each call clears its error queue, which costs
        // more than hashing a reply).
        var total = 4 + pushIdentity.Length + reply.Length;
        byte[]? rented = null;
        var input = total <= 1024 ? stackalloc byte[1024] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(total));
        Span<byte> output = stackalloc byte[HMACSHA256.HashSizeInBytes];
        try
        {
            BinaryPrimitives.WriteInt32BigEndian(input, pushIdentity.Length);
            pushIdentity.CopyTo(input[4..]);
            reply.CopyTo(input[(4 + pushIdentity.Length)..]);
            hmac.AppendData(input[..total]);
            hmac.GetHashAndReset(output);
        }
        finally
        {
            // The reply is a follower's: clear the copy.
            CryptographicOperations.ZeroMemory(input[..total]);
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }

        output[..16].CopyTo(prefix16);
        nonce = 1_000_000_000 + (long)(BinaryPrimitives.ReadUInt64BigEndian(output[16..]) % 9_000_000_000UL);
        CryptographicOperations.ZeroMemory(output);
    }

    // One HMAC context per thread, kept for the last key it served: creating one costs more than
    // hashing a reply (OpenSSL looks the digest up and sets the key up each time).
    [ThreadStatic]
    private static EnvelopeKey? t_owner;

    [ThreadStatic]
    private static IncrementalHash? t_hmac;

    private IncrementalHash HmacForThisThread()
    {
        if (!ReferenceEquals(t_owner, this) || t_hmac is null)
        {
            t_hmac?.Dispose();
            t_hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _replySecret);
            t_owner = this;
        }

        return t_hmac;
    }

    public void Dispose()
    {
        Cipher.Dispose();
        CryptographicOperations.ZeroMemory(_iv);
        CryptographicOperations.ZeroMemory(_replySecret);
        CryptographicOperations.ZeroMemory(_key);
    }
}
