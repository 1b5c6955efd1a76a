using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Protocol.Crypto;

/// <summary>
/// WeChat's SHA-1 signatures (docs/protocol.md §1.2 and §2.3): the three-string form over
/// Token, timestamp and nonce, and the four-string form that adds the Encrypt text.
/// </summary>
public static class Signature
{
    /// <summary>Lowercase hex SHA-1 over the ordinally sorted, concatenated parts.</summary>
    public static string Compute(params string[] parts)
    {
        var sorted = (string[])parts.Clone();
        // docs/protocol.md §1.2 / P13: the default string comparer is culture-sensitive even under the
        // invariant culture and orders '+', '_' and case differently; WeChat sorts by code unit.
        Array.Sort(sorted, StringComparer.Ordinal);

        var total = 0;
        foreach (var part in sorted)
        {
            total += Encoding.UTF8.GetByteCount(part);
        }

        // The four-string form covers the Encrypt text (kilobytes on every safe-mode push): pooled, not new.
        byte[]? rented = null;
        var buffer = total <= 1024 ? stackalloc byte[total] : (rented = ArrayPool<byte>.Shared.Rent(total)).AsSpan(0, total);
        try
        {
            var written = 0;
            foreach (var part in sorted)
            {
                written += Encoding.UTF8.GetBytes(part, buffer[written..]);
            }

            Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
            var sha1 = t_sha1 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            sha1.AppendData(buffer);
            sha1.GetHashAndReset(hash);
            return Convert.ToHexStringLower(hash);
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

    /// <summary>Constant-time check of a received signature against the expected one.</summary>
    public static bool Verify(string? received, params string[] parts)
    {
        if (string.IsNullOrEmpty(received) || received.Length != SHA1.HashSizeInBytes * 2)
        {
            return false;
        }

        var expected = Compute(parts);
        Span<byte> a = stackalloc byte[expected.Length];
        Span<byte> b = stackalloc byte[received.Length];
        Encoding.ASCII.GetBytes(expected, a);
        // Uppercase hex is not what WeChat sends, but it is the same digest; accept it.
        // A received value that is not ASCII cannot match; the comparison below still runs in full.
        var ascii = Ascii.ToLower(received, b, out _) == OperationStatus.Done;
        return CryptographicOperations.FixedTimeEquals(a, b) && ascii;
    }
}
