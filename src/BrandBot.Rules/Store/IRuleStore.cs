namespace BrandBot.Rules.Store;

/// <summary>
/// Where published rule versions live: in process (the embedded store) or in Redis. A version is an
/// immutable snapshot; committing one is atomic (a reader sees the old version or the new one, never
/// a mix) and conditional on the version the publisher diffed against.
/// </summary>
public interface IRuleStore
{
    /// <summary>Raised when an account's current version may have changed; handlers must not block.</summary>
    event Action<string>? Changed;

    /// <summary>True when several instances share the store (Redis); false for the embedded, in-process store.</summary>
    bool IsShared { get; }

    /// <summary>Starts hearing about publishes made by other instances (nothing to do for an in-process store).</summary>
    Task StartListeningAsync();

    /// <summary>The current version's stamp, <see cref="RuleStamp.None"/> when none exists. Cheap: used for catch-up polling.</summary>
    Task<RuleStamp> GetCurrentStampAsync(string account, CancellationToken cancellationToken = default);

    Task<RuleSnapshot?> GetCurrentAsync(string account, CancellationToken cancellationToken = default);

    Task<RuleSnapshot?> GetVersionAsync(string account, long version, CancellationToken cancellationToken = default);

    /// <summary>Audit records, oldest first.</summary>
    Task<IReadOnlyList<AuditRecord>> GetHistoryAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="yaml"/> as the next version and makes it current, with its audit record,
    /// only if the current version is still <paramref name="expectedCurrentVersion"/>; null otherwise.
    /// The store assigns the version number into the returned snapshot and the stored audit record.
    /// </summary>
    Task<RuleSnapshot?> CommitAsync(string account, string yaml, AuditRecord audit, long expectedCurrentVersion, CancellationToken cancellationToken = default);
}

public static class RuleStoreExtensions
{
    public static async Task<long> GetCurrentVersionAsync(this IRuleStore store, string account, CancellationToken cancellationToken = default) =>
        (await store.GetCurrentStampAsync(account, cancellationToken)).Version;
}
