namespace BrandBot.Account.Planning;

/// <summary>A parametric QR code BrandBot minted for a scene: what renders it (<see cref="Url"/>) and until when it works.</summary>
public sealed record MintedCode(string Scene, bool Permanent, string Ticket, string Url, DateTimeOffset MintedAt, DateTimeOffset? ExpiresAt)
{
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } until && until <= now;
}

/// <summary>What one <c>account apply</c> changed: who, when, from which file, each change as planned.</summary>
public sealed record AccountAuditRecord(DateTimeOffset At, string By, string ContentHash, IReadOnlyList<string> Changes, string? Error);

/// <summary>
/// BrandBot's own record of the account: the codes it minted (WeChat has no API to list them, and a
/// permanent one must never be minted twice), the audit of every apply, and a lock so two applies of
/// one account never interleave.
/// </summary>
public interface IAccountRecords
{
    Task<IReadOnlyDictionary<string, MintedCode>> GetCodesAsync(string account, CancellationToken cancellationToken = default);

    Task SaveCodeAsync(string account, MintedCode code, CancellationToken cancellationToken = default);

    Task AppendAuditAsync(string account, AccountAuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Audit records, oldest first.</summary>
    Task<IReadOnlyList<AccountAuditRecord>> GetAuditAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Takes the account's apply lock, waiting up to <paramref name="wait"/>; null when another apply still holds it.</summary>
    Task<IAsyncDisposable?> LockAsync(string account, TimeSpan wait, CancellationToken cancellationToken = default);
}
