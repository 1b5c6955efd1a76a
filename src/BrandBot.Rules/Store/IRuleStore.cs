namespace BrandBot.Rules.Store;

/// <summary>
/// Where published rule versions live: in process (the embedded store) or in Redis. Publishing must be
/// atomic: a reader sees the old version or the new one, never a mix.
/// </summary>
public interface IRuleStore
{
    /// <summary>Raised after a new version becomes current (for any account); handlers must not block.</summary>
    event Action<string>? Changed;

    Task<RuleSnapshot?> GetCurrentAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="yaml"/> as the account's next version and makes it current.</summary>
    Task<RuleSnapshot> PublishAsync(string account, string yaml, string? publishedBy, string? message, CancellationToken cancellationToken = default);
}
