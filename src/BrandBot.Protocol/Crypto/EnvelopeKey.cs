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
    private static readonly byte[] ReplyRandomLabel = "BrandBot reply random v2"u8.ToArray();

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
        ReplyRandom = AesCbc.Create(_replySecret);
    }

    internal AesCbc Cipher { get; }

    internal ReadOnlySpan<byte> Iv => _iv;

    /// <summary>Which AES implementation this key runs on (see <see cref="AesCbc.Preferred"/>).</summary>
    public string Implementation => Cipher.Implementation;

    /// <summary>True when both hold the same key (the key itself is never handed out).</summary>
    public bool SameKeyAs(ReadOnlySpan<byte> key) => CryptographicOperations.FixedTimeEquals(_key, key);

    /// <summary>
    /// The reply envelope's random prefix and nonce as a keyed function of the push and the reply
    /// (docs/protocol.md §2.5, "Deterministic reply randomness"): a length-prefixed CBC-MAC under a key
    /// derived from this one, over the push's identity and the reply's plaintext, on the same AES as the
    /// envelope (no OpenSSL call where the CPU has AES instructions). Every attempt of a push gets the
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

        // Layout, in whole blocks: [identity length | reply length | label] identity… reply… [final].
        // Both lengths lead, so zero padding is unambiguous and no two (identity, reply) pairs give the
        // same input: the last-but-one ciphertext block is a PRF of the pair (the prefix); the last one
        // is that block encrypted once more after a fixed whitening (the nonce's bits), so the nonce
        // shows nothing of the prefix.
        const int Block = AesCbc.BlockLength;
        var identityBlocks = (pushIdentity.Length + Block - 1) / Block;
        var replyBlocks = (reply.Length + Block - 1) / Block;
        var total = (2 + identityBlocks + replyBlocks) * Block;
        byte[]? rented = null;
        var input = total <= 1024 ? stackalloc byte[1024] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(total));
        input = input[..total];
        try
        {
            input.Clear();
            BinaryPrimitives.WriteInt32BigEndian(input, pushIdentity.Length);
            BinaryPrimitives.WriteInt32BigEndian(input[4..], reply.Length);
            ReplyRandomBlockLabel.CopyTo(input[8..]);
            pushIdentity.CopyTo(input[Block..]);
            reply.CopyTo(input[((1 + identityBlocks) * Block)..]);
            input[^Block..].Fill(0xA5);
            ReplyRandom.Encrypt(ZeroIv, input, input);
            input[^(2 * Block)..^Block].CopyTo(prefix16);
            nonce = 1_000_000_000 + (long)(BinaryPrimitives.ReadUInt64BigEndian(input[^Block..]) % 9_000_000_000UL);
        }
        finally
        {
            // The reply is a follower's: clear the copy.
            CryptographicOperations.ZeroMemory(input);
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Eight bytes that name this use of the derived key, in the first block after the two lengths.
    private static ReadOnlySpan<byte> ReplyRandomBlockLabel => "BBreply1"u8;

    private static ReadOnlySpan<byte> ZeroIv => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>AES under the derived reply secret: keys nothing but <see cref="DeriveReplyRandom"/>.</summary>
    private AesCbc ReplyRandom { get; }

    public void Dispose()
    {
        Cipher.Dispose();
        ReplyRandom.Dispose();
        CryptographicOperations.ZeroMemory(_iv);
        CryptographicOperations.ZeroMemory(_replySecret);
        CryptographicOperations.ZeroMemory(_key);
    }
}
