namespace BrandBot.Account.Tagging;

/// <summary>The tagging queue of the embedded store: in this process, gone on restart like the rest of its state.</summary>
public sealed class InMemoryTagQueue : ITagQueue
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Account, TagRequest Request), (DateTimeOffset Due, int Attempts)> _waiting = [];
    private readonly HashSet<(string Account, string DoneKey)> _done = [];

    public void Enqueue(string account, TagRequest request)
    {
        lock (_gate)
        {
            if (!_done.Contains((account, request.DoneKey)))
            {
                _waiting.TryAdd((account, request), (DateTimeOffset.MinValue, 0));
            }
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<TagRequest>> ClaimAsync(string account, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var due = _waiting.Where(w => w.Key.Account == account && w.Value.Due <= now).OrderBy(w => w.Value.Due).Take(max).ToList();
            foreach (var (key, value) in due)
            {
                _waiting[key] = (now + lease, value.Attempts);
            }

            return Task.FromResult<IReadOnlyList<TagRequest>>([.. due.Select(d => d.Key.Request)]);
        }
    }

    public Task CompleteAsync(string account, IReadOnlyList<TagRequest> requests, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var request in requests)
            {
                _waiting.Remove((account, request));
                _done.Add((account, request.DoneKey));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<int>> RetryAsync(string account, IReadOnlyList<TagRequest> requests, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var attempts = new List<int>(requests.Count);
        lock (_gate)
        {
            foreach (var request in requests)
            {
                var n = (_waiting.TryGetValue((account, request), out var value) ? value.Attempts : 0) + 1;
                _waiting[(account, request)] = (now + TagBackoff.Delay(n), n);
                attempts.Add(n);
            }
        }

        return Task.FromResult<IReadOnlyList<int>>(attempts);
    }

    public Task DropAsync(string account, IReadOnlyList<TagRequest> requests, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var request in requests)
            {
                _waiting.Remove((account, request));
            }
        }

        return Task.CompletedTask;
    }

    public Task<long> CountAsync(string account, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult((long)_waiting.Keys.Count(k => k.Account == account));
        }
    }
}
