using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Protocol.Crypto;

/// <summary>
/// WeChat's SHA-1 signatures (docs/protocol.md §1.2 and §2.3): the three-string form over
/// Token, timestamp and nonce, and the four-string form that adds the Encrypt text.
/// The push path uses the fixed-arity forms: no arrays, no copies of the parts, no hex string.
/// </summary>
public static class Signature
{
    public const int HexLength = SHA1.HashSizeInBytes * 2;

    // Parts longer than this (only ever the Encrypt text) are encoded into a pooled buffer.
    private const int StackLimit = 256;

    /// <summary>Lowercase hex SHA-1 over the ordinally sorted, concatenated parts.</summary>
    public static string Compute(params string[] parts)
    {
        var sorted = (string[])parts.Clone();
        // docs/protocol.md §1.2 / P13: the default string comparer is culture-sensitive even under the
        // invariant culture and orders '+', '_' and case differently; WeChat sorts by code unit.
        Array.Sort(sorted, StringComparer.Ordinal);
        var sha1 = Sha1ForThisThread();
        foreach (var part in sorted)
        {
            AppendUtf8(sha1, part);
        }

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        sha1.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The four-string form over UTF-8 parts, its lowercase hex written into <paramref name="hex"/> (40 bytes).</summary>
    public static void Compute(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, ReadOnlySpan<byte> d, Span<byte> hex)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        Hash(a, b, c, d, hash);
        if (!Convert.TryToHexStringLower(hash, hex, out var written) || written != HexLength)
        {
            throw new ArgumentException("The destination is shorter than 40 bytes.", nameof(hex));
        }
    }

    /// <summary>Constant-time check of a received signature against the expected one.</summary>
    public static bool Verify(string? received, params string[] parts)
    {
        if (!TryParse(received, out var expected))
        {
            return false;
        }

        var computed = Convert.FromHexString(Compute(parts));
        return CryptographicOperations.FixedTimeEquals(computed, expected.AsSpan());
    }

    /// <summary>The three-string form (URL check, push <c>signature</c>), without allocating.</summary>
    public static bool Verify(string? received, string token, string timestamp, string nonce)
    {
        if (!TryParse(received, out var expected))
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[3 * StackLimit];
        if (!TryEncode(token, utf8[..StackLimit], out var t) || !TryEncode(timestamp, utf8.Slice(StackLimit, StackLimit), out var s) || !TryEncode(nonce, utf8[(2 * StackLimit)..], out var n))
        {
            // Over-long query values: rare and harmless, but not worth a stack buffer.
            return Verify(received, [token, timestamp, nonce]);
        }

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        Hash(utf8[..t], utf8.Slice(StackLimit, s), utf8.Slice(2 * StackLimit, n), default, hash, parts: 3);
        return CryptographicOperations.FixedTimeEquals(hash, expected.AsSpan());
    }

    /// <summary>The four-string form (<c>msg_signature</c>) with the Encrypt text as UTF-8 bytes, without allocating.</summary>
    public static bool Verify(string? received, string token, string timestamp, string nonce, ReadOnlySpan<byte> encrypt)
    {
        if (!TryParse(received, out var expected))
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[3 * StackLimit];
        if (!TryEncode(token, utf8[..StackLimit], out var t) || !TryEncode(timestamp, utf8.Slice(StackLimit, StackLimit), out var s) || !TryEncode(nonce, utf8[(2 * StackLimit)..], out var n))
        {
            return Verify(received, [token, timestamp, nonce, Encoding.UTF8.GetString(encrypt)]);
        }

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        Hash(utf8[..t], utf8.Slice(StackLimit, s), utf8.Slice(2 * StackLimit, n), encrypt, hash);
        return CryptographicOperations.FixedTimeEquals(hash, expected.AsSpan());
    }

    /// <summary>
    /// SHA-1 over the parts in ordinal order, each appended as it is: hashing a concatenation is hashing
    /// its pieces one after another. UTF-8 byte order is code point order, the same as the UTF-16 ordinal
    /// order of the string form for every character below U+E000 (all WeChat's parts are ASCII).
    /// </summary>
    private static void Hash(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, ReadOnlySpan<byte> d, Span<byte> hash, int parts = 4)
    {
        // A sorting network over four (three) positions; indices only, the parts stay where they are.
        Span<int> order = [0, 1, 2, 3];
        var count = parts;
        for (var i = 1; i < count; i++)
        {
            for (var j = i; j > 0 && Part(order[j], a, b, c, d).SequenceCompareTo(Part(order[j - 1], a, b, c, d)) < 0; j--)
            {
                (order[j], order[j - 1]) = (order[j - 1], order[j]);
            }
        }

        // One call into OpenSSL for the data, one for the digest: each call clears OpenSSL's error queue
        // and costs more than hashing a few hundred bytes, so the parts are laid end to end first.
        var total = a.Length + b.Length + c.Length + (count == 4 ? d.Length : 0);
        byte[]? rented = null;
        var joined = total <= 2048 ? stackalloc byte[2048] : (rented = ArrayPool<byte>.Shared.Rent(total));
        try
        {
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                var part = Part(order[i], a, b, c, d);
                part.CopyTo(joined[at..]);
                at += part.Length;
            }

            var sha1 = Sha1ForThisThread();
            sha1.AppendData(joined[..total]);
            sha1.GetHashAndReset(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ReadOnlySpan<byte> Part(int index, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, ReadOnlySpan<byte> d) =>
        index switch { 0 => a, 1 => b, 2 => c, _ => d };

    /// <summary>40 hex digits, either case (uppercase is the same digest; accept it), into 20 bytes.</summary>
    private static bool TryParse(string? received, out Digest digest)
    {
        digest = default;
        return received is { Length: HexLength }
            && Convert.FromHexString(received, digest.AsSpan(), out _, out var written) == OperationStatus.Done
            && written == SHA1.HashSizeInBytes;
    }

    private static bool TryEncode(string value, Span<byte> destination, out int written) =>
        Encoding.UTF8.TryGetBytes(value, destination, out written);

    private static void AppendUtf8(IncrementalHash sha1, string part)
    {
        var length = Encoding.UTF8.GetByteCount(part);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(part, buffer);
            sha1.AppendData(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // One SHA-1 context per thread, reset after each use: the one-shot HashData looks the algorithm up in
    // OpenSSL on every call, which cost more than hashing a push's few hundred bytes (three per safe-mode push).
    [ThreadStatic]
    private static IncrementalHash? t_sha1;

    private static IncrementalHash Sha1ForThisThread() => t_sha1 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

    /// <summary>Twenty bytes on the stack.</summary>
    [System.Runtime.CompilerServices.InlineArray(SHA1.HashSizeInBytes)]
    private struct Digest
    {
        private byte _first;

        public Span<byte> AsSpan() => System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref _first, SHA1.HashSizeInBytes);
    }
}
