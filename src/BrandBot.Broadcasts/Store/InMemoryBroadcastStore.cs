using BrandBot.Broadcasts.Results;
using BrandBot.Broadcasts.Sending;

namespace BrandBot.Broadcasts.Store;

/// <summary>
/// The embedded store: one process, nothing shared. Records are kept as JSON, so a caller's changes
/// reach it only through <see cref="SaveAsync"/>, as with Redis.
/// </summary>
public sealed class InMemoryBroadcastStore(TimeProvider time) : IBroadcastStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string, string), string> _records = [];
    private readonly Dictionary<(string, string), (string Owner, DateTimeOffset Until)> _leases = [];
    private readonly Dictionary<(string, string), long> _fences = [];
    private readonly Dictionary<(string, string, string), IReadOnlyList<string>> _lists = [];
    private readonly Dictionary<(string, string), string> _jobs = [];
    private readonly Dictionary<(string, string), JobFinish> _finishes = [];
    private readonly Dictionary<(string, string), List<SentBroadcast>> _deliveries = [];
    private readonly Dictionary<(string, string), (long Day, long Week)> _unfollows = [];
    private readonly HashSet<(string, string)> _previews = [];

    public Task<BroadcastRecord?> GetAsync(string account, string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.TryGetValue((account, id), out var json) ? BroadcastJson.ReadRecord(json) : null);
        }
    }

    public Task<IReadOnlyList<BroadcastRecord>> ListAsync(string account, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<BroadcastRecord> all = [.. _records.Where(r => r.Key.Item1 == account).Select(r => BroadcastJson.ReadRecord(r.Value)).OrderByDescending(r => r.CreatedAt)];
            return Task.FromResult(all);
        }
    }

    public async Task<IReadOnlyList<string>> ActiveAsync(string account, CancellationToken cancellationToken = default) =>
        [.. (await ListAsync(account, cancellationToken)).Where(r => BroadcastStates.IsActive(r.State)).Select(r => r.Id)];

    public Task<bool> CreateAsync(BroadcastRecord record, IReadOnlyList<string>? openIds, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_records.TryAdd((record.Account, record.Id), BroadcastJson.Write(record)))
            {
                return Task.FromResult(false);
            }

            if (openIds is not null)
            {
                _lists[(record.Account, record.Id, "audience")] = [.. openIds];
            }

            return Task.FromResult(true);
        }
    }

    public Task<BroadcastLease?> AcquireAsync(string account, string id, string owner, TimeSpan hold, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_leases.TryGetValue((account, id), out var held) && held.Until > now && held.Owner != owner)
            {
                return Task.FromResult<BroadcastLease?>(null);
            }

            _leases[(account, id)] = (owner, now + hold);
            var fence = _fences[(account, id)] = _fences.GetValueOrDefault((account, id)) + 1;
            return Task.FromResult<BroadcastLease?>(new BroadcastLease(account, id, owner, fence));
        }
    }

    public Task<bool> SaveAsync(BroadcastRecord record, BroadcastLease lease, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_fences.GetValueOrDefault((lease.Account, lease.Id)) != lease.Fence)
            {
                return Task.FromResult(false);
            }

            _records[(record.Account, record.Id)] = BroadcastJson.Write(record);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(BroadcastLease lease, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_leases.TryGetValue((lease.Account, lease.Id), out var held) && held.Owner == lease.Owner)
            {
                _leases.Remove((lease.Account, lease.Id));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GetListAsync(string account, string id, string list, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_lists.TryGetValue((account, id, list), out var ids) ? ids : (IReadOnlyList<string>)[]);
        }
    }

    public Task SetListAsync(string account, string id, string list, IReadOnlyList<string> openIds, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _lists[(account, id, list)] = [.. openIds];
        }

        return Task.CompletedTask;
    }

    public Task IndexJobAsync(string account, string msgId, string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _jobs[(account, msgId)] = id;
        }

        return Task.CompletedTask;
    }

    public Task<string?> BroadcastOfJobAsync(string account, string msgId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_jobs.GetValueOrDefault((account, msgId)));
        }
    }

    public Task<bool> RecordFinishAsync(string account, JobFinish finish, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_finishes.TryGetValue((account, finish.MsgId), out var known) && (known.FromEvent || !finish.FromEvent))
            {
                return Task.FromResult(false);
            }

            _finishes[(account, finish.MsgId)] = finish;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyDictionary<string, JobFinish>> FinishesAsync(string account, IEnumerable<string> msgIds, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<string, JobFinish> found = msgIds.Distinct().Where(m => _finishes.ContainsKey((account, m))).ToDictionary(m => m, m => _finishes[(account, m)]);
            return Task.FromResult(found);
        }
    }

    public Task RecordDeliveriesAsync(string account, string id, IReadOnlyList<string> openIds, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var openId in openIds)
            {
                if (!_deliveries.TryGetValue((account, openId), out var list))
                {
                    _deliveries[(account, openId)] = list = [];
                }

                list.RemoveAll(d => d.At < at - LedgerWindow.Keep || d.Id == id);
                list.Add(new SentBroadcast(id, at));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<SentBroadcast>>> DeliveriesAsync(string account, IReadOnlyList<string> openIds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var found = new Dictionary<string, IReadOnlyList<SentBroadcast>>(StringComparer.Ordinal);
            foreach (var openId in openIds)
            {
                if (_deliveries.TryGetValue((account, openId), out var list))
                {
                    found[openId] = [.. list.Where(d => d.At >= now - LedgerWindow.Keep).OrderBy(d => d.At)];
                }
            }

            return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<SentBroadcast>>>(found);
        }
    }

    public Task CountUnfollowAsync(string account, string id, bool within24Hours, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var (day, week) = _unfollows.GetValueOrDefault((account, id));
            _unfollows[(account, id)] = (day + (within24Hours ? 1 : 0), week + 1);
        }

        return Task.CompletedTask;
    }

    public Task<(long Day, long Week)> UnfollowsAsync(string account, string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_unfollows.GetValueOrDefault((account, id)));
        }
    }

    public Task<bool> ClaimPreviewAsync(string account, string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_previews.Add((account, key)));
        }
    }

    public Task ReleasePreviewAsync(string account, string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _previews.Remove((account, key));
        }

        return Task.CompletedTask;
    }
}
