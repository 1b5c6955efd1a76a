namespace BrandBot.Rules.Store;

/// <summary>The embedded store: versions kept in process memory, for a single instance with no Redis.</summary>
public sealed class InMemoryRuleStore(TimeProvider time) : IRuleStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<RuleSnapshot>> _versions = new(StringComparer.Ordinal);

    public event Action<string>? Changed;

    public Task<RuleSnapshot?> GetCurrentAsync(string account, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_versions.TryGetValue(account, out var list) ? list[^1] : null);
        }
    }

    public Task<RuleSnapshot> PublishAsync(string account, string yaml, string? publishedBy, string? message, CancellationToken cancellationToken = default)
    {
        RuleSnapshot snapshot;
        lock (_gate)
        {
            if (!_versions.TryGetValue(account, out var list))
            {
                _versions[account] = list = [];
            }

            snapshot = new RuleSnapshot(account, list.Count + 1, yaml, RuleSnapshot.HashOf(yaml), time.GetUtcNow(), publishedBy, message);
            list.Add(snapshot);
        }

        Changed?.Invoke(account);
        return Task.FromResult(snapshot);
    }
}
