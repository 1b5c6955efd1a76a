namespace BrandBot.Rules.Store;

/// <summary>The embedded store: versions kept in process memory, for a single instance with no Redis.</summary>
public sealed class InMemoryRuleStore : IRuleStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<(RuleSnapshot Snapshot, AuditRecord Audit)>> _versions = new(StringComparer.Ordinal);

    public event Action<string>? Changed;

    public bool IsShared => false;

    public Task StartListeningAsync() => Task.CompletedTask;

    public Task<RuleStamp> GetCurrentStampAsync(string account, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_versions.TryGetValue(account, out var list) && list.Count > 0
                ? new RuleStamp(list.Count, list[^1].Snapshot.ContentHash)
                : RuleStamp.None);
        }
    }

    public Task<RuleSnapshot?> GetCurrentAsync(string account, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_versions.TryGetValue(account, out var list) && list.Count > 0 ? list[^1].Snapshot : null);
        }
    }

    public Task<RuleSnapshot?> GetVersionAsync(string account, long version, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(
                _versions.TryGetValue(account, out var list) && version >= 1 && version <= list.Count ? list[(int)version - 1].Snapshot : null);
        }
    }

    public Task<IReadOnlyList<AuditRecord>> GetHistoryAsync(string account, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<AuditRecord> history = _versions.TryGetValue(account, out var list) ? [.. list.Select(v => v.Audit)] : [];
            return Task.FromResult(history);
        }
    }

    public Task<RuleSnapshot?> CommitAsync(string account, string yaml, AuditRecord audit, long expectedCurrentVersion, CancellationToken cancellationToken = default)
    {
        RuleSnapshot snapshot;
        lock (_gate)
        {
            if (!_versions.TryGetValue(account, out var list))
            {
                _versions[account] = list = [];
            }

            if (list.Count != expectedCurrentVersion)
            {
                return Task.FromResult<RuleSnapshot?>(null);
            }

            var version = list.Count + 1;
            snapshot = new RuleSnapshot(account, version, yaml, audit.ContentHash, audit.At, audit.By, audit.Message);
            list.Add((snapshot, audit with { Version = version }));
        }

        Changed?.Invoke(account);
        return Task.FromResult<RuleSnapshot?>(snapshot);
    }
}
