using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Rules.Store;

/// <summary>One published, immutable version of an account's rules file.</summary>
public sealed record RuleSnapshot(
    string Account,
    long Version,
    string Yaml,
    string ContentHash,
    DateTimeOffset PublishedAt,
    string? PublishedBy,
    string? Message)
{
    /// <summary>SHA-256 of the YAML text's UTF-8, lowercase hex: what audit records and change detection compare.</summary>
    /// <remarks>
    /// Encoded in small pieces: a 100,000-rule file is 8 MB of UTF-8, and a copy of it per call was a
    /// large-object allocation at the moment start-up already holds the most.
    /// </remarks>
    public static string HashOf(string yaml)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var encoder = Encoding.UTF8.GetEncoder();
        Span<byte> piece = stackalloc byte[4096];
        var rest = yaml.AsSpan();
        bool completed;
        do
        {
            // A piece never ends inside a surrogate pair: the encoder keeps half a pair for the next call.
            encoder.Convert(rest, piece, flush: true, out var used, out var written, out completed);
            sha.AppendData(piece[..written]);
            rest = rest[used..];
        }
        while (!completed);

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
