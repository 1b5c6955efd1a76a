using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using BrandBot.Rules.Store;

namespace BrandBot.Redis;

/// <summary>A version as stored in Redis (written and read by <see cref="SnapshotJson"/>).</summary>
internal sealed record StoredSnapshot(string Yaml, string Hash, DateTimeOffset At, string? By, string? Message);

/// <summary>
/// An audit record as the commit script receives it: everything but the version, which only the script
/// knows and writes in front. Read back, the stored JSON is a whole <see cref="AuditRecord"/>.
/// </summary>
internal sealed record StoredAudit(
    DateTimeOffset At, string? By, string? Message, string ContentHash, string Action,
    IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed)
{
    public static StoredAudit From(AuditRecord audit) =>
        new(audit.At, audit.By, audit.Message, audit.ContentHash, audit.Action, audit.Added, audit.Changed, audit.Removed);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(StoredAudit))]
[JsonSerializable(typeof(OperatorAuditEntry))]
[JsonSerializable(typeof(BrandBot.Account.Planning.MintedCode))]
[JsonSerializable(typeof(BrandBot.Account.Planning.AccountAuditRecord))]
internal sealed partial class RedisJsonContext : JsonSerializerContext
{
    /// <summary>Raw UTF-8 for Chinese rule names and texts, so redis-cli shows them readably.</summary>
    public static RedisJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
