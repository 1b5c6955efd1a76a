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
    /// <summary>SHA-256 of the YAML text, lowercase hex: what audit records and change detection compare.</summary>
    public static string HashOf(string yaml) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));
}
