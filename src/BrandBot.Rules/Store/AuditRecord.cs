namespace BrandBot.Rules.Store;

/// <summary>What one publish or rollback did: kept for every version, never rewritten.</summary>
public sealed record AuditRecord(
    long Version,
    DateTimeOffset At,
    string? By,
    string? Message,
    string ContentHash,
    string Action,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Changed,
    IReadOnlyList<string> Removed)
{
    public const string Publish = "publish";
    public const string Rollback = "rollback";
}
