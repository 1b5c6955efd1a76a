using System.Collections.Concurrent;

namespace BrandBot.Delivery.Limits;

/// <summary>
/// Rate limits counted in memory, off the request path, and shared with other instances in the
/// background (<see cref="SyncAsync"/>). A count below half the limit is answered from memory; from
/// half the limit on, the push is <em>hot</em>: its counts are synchronised before the verdict
/// (<see cref="ConfirmAsync"/>), so the limit itself is decided on the shared total.
/// Worst case across N instances, when a follower's pushes reach all of them within one sync:
/// (N − 1) × ⌈limit / 2⌉ over the limit in a window (docs/exactly-once.md).
/// </summary>
public sealed class RateLimiter(RateLimits limits, IRateWindowStore? store, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Account, string? Follower), RateCounter> _counters = new();
    private readonly ConcurrentDictionary<string, HotFollowers> _hot = new(StringComparer.Ordinal);
    // Counters with counts to send: a sync touches only these, not every follower seen this window.
    private readonly ConcurrentQueue<RateCounter> _dirty = new();
    private long _nextSweep;

    public RateLimits Limits { get; } = limits;

    /// <summary>From this count on a window is hot: ⌈limit / 2⌉.</summary>
    public static long HotFrom(int limit) => (limit + 1L) / 2;

    /// <summary>Counts a rule-triggering push of <paramref name="follower"/> (hashed) and judges it from what this instance knows.</summary>
    public RateVerdict Take(string account, string follower)
    {
        if (!Limits.Any)
        {
            return RateVerdict.Clear;
        }

        var now = time.GetUtcNow();
        LimitScope? limited = null;
        var hot = false;
        RateCounter? followerCounter = null, accountCounter = null;
        long followerWindow = 0, accountWindow = 0;
        if (Limits.PerFollower > 0)
        {
            followerWindow = RateLimits.Window(now, Limits.PerFollowerWindowSeconds);
            followerCounter = Counter(account, follower);
            var (known, previous) = Count(followerCounter, followerWindow, 1);
            limited = known > Limits.PerFollower ? LimitScope.Follower : null;
            hot = known >= HotFrom(Limits.PerFollower) || previous >= HotFrom(Limits.PerFollower)
                || (_hot.TryGetValue(account, out var shared) && shared.Contains(follower, followerWindow));
        }

        if (Limits.PerAccount > 0)
        {
            accountWindow = RateLimits.Window(now, Limits.PerAccountWindowSeconds);
            accountCounter = Counter(account, null);
            var (known, previous) = Count(accountCounter, accountWindow, 1);
            limited ??= known > Limits.PerAccount ? LimitScope.Account : null;
            hot |= known >= HotFrom(Limits.PerAccount) || previous >= HotFrom(Limits.PerAccount);
        }

        return new RateVerdict(limited, hot, followerCounter, followerWindow, accountCounter, accountWindow);
    }

    /// <summary>
    /// For a hot push: sends its counters' unsynced counts now and judges it on the shared totals.
    /// Without a shared store (or while it is unreachable) the local verdict stands.
    /// </summary>
    public async ValueTask<RateVerdict> ConfirmAsync(RateVerdict verdict, CancellationToken cancellationToken)
    {
        if (store is null || !verdict.Hot)
        {
            return verdict;
        }

        var counters = new[] { verdict.Follower, verdict.Account }.OfType<RateCounter>().ToList();
        var totals = await SendAsync(counters[0].Account, counters, evenIfNone: true, cancellationToken);
        if (totals is null)
        {
            return verdict;
        }

        LimitScope? limited = null;
        if (verdict.Follower is { } f && totals.TryGetValue(f, out var followerTotal) && followerTotal > Limits.PerFollower)
        {
            limited = LimitScope.Follower;
        }
        else if (verdict.Account is { } a && totals.TryGetValue(a, out var accountTotal) && accountTotal > Limits.PerAccount)
        {
            limited = LimitScope.Account;
        }
        return verdict with { LimitedBy = limited };
    }

    /// <summary>The push turned out to be a retry of one already counted: take this attempt's count back.</summary>
    public void Untake(RateVerdict verdict)
    {
        if (verdict.Follower is { } follower)
        {
            Count(follower, verdict.FollowerWindow, -1);
        }

        if (verdict.Account is { } account)
        {
            Count(account, verdict.AccountWindow, -1);
        }
    }

    /// <summary>Sends every account's unsynced counts and learns the totals and the hot followers back (run every few ms).</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        if (store is not null)
        {
            // In rounds of at most SyncRound counters, each its own script call: one list and one argument
            // array for every dirty counter (thousands of followers under load) landed on the large-object
            // heap several times a second, garbage only a full collection frees, and grew a serving
            // process by tens of MB (docs/performance.md, "Memory with 100,000 rules"). Only the counters
            // dirty when the sync began: counts that fail to send wait for the next sync, not this one.
            var synced = new HashSet<string>(StringComparer.Ordinal);
            var round = new List<RateCounter>(SyncRound);
            for (var left = _dirty.Count; left > 0;)
            {
                round.Clear();
                while (round.Count < Math.Min(SyncRound, left) && _dirty.TryDequeue(out var counter))
                {
                    round.Add(counter);
                }

                if (round.Count == 0)
                {
                    break;
                }

                left -= round.Count;
                foreach (var byAccount in round.GroupBy(c => c.Account, StringComparer.Ordinal))
                {
                    synced.Add(byAccount.Key);
                    await SendAsync(byAccount.Key, [.. byAccount], evenIfNone: false, cancellationToken);
                }
            }

            // Hot followers are learnt with every sync, also by an account this instance counted nothing for lately.
            foreach (var account in _hot.Keys.Where(a => !synced.Contains(a)).ToList())
            {
                await SendAsync(account, [], evenIfNone: false, cancellationToken);
            }
        }
        else
        {
            _dirty.Clear();
        }

        var now = time.GetUtcNow().UtcTicks;
        if (now >= _nextSweep)
        {
            _nextSweep = now + SweepEvery.Ticks;
            Sweep();
        }
    }

    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(5);

    /// <summary>Counters sent in one store call: its lists and arguments stay below the large-object heap's 85 kB.</summary>
    internal const int SyncRound = 512;

    private (long Known, long Previous) Count(RateCounter counter, long window, long n)
    {
        var (known, previous, becameDirty) = counter.Add(window, n);
        if (becameDirty)
        {
            _dirty.Enqueue(counter);
        }

        return (known, previous);
    }

    private async Task<Dictionary<RateCounter, long>?> SendAsync(string account, IReadOnlyList<RateCounter> counters, bool evenIfNone, CancellationToken cancellationToken)
    {
        var sent = new List<(RateCounter Counter, long Window, long Delta)>();
        foreach (var counter in counters)
        {
            if (counter.TakeUnsynced(evenIfNone) is { } unsynced)
            {
                sent.Add((counter, unsynced.Window, unsynced.Delta));
            }
        }

        var followerWindow = RateLimits.Window(time.GetUtcNow(), Limits.PerFollowerWindowSeconds);
        try
        {
            var sync = await store!.SyncAsync(
                account,
                [.. sent.Select(s => s.Counter.Follower is null
                    ? new WindowDelta(null, s.Window, Limits.PerAccountWindowSeconds, s.Delta, 0)
                    : new WindowDelta(s.Counter.Follower, s.Window, Limits.PerFollowerWindowSeconds, s.Delta, HotFrom(Limits.PerFollower)))],
                followerWindow,
                Limits.PerFollowerWindowSeconds,
                cancellationToken);
            var totals = new Dictionary<RateCounter, long>();
            for (var i = 0; i < sent.Count; i++)
            {
                sent[i].Counter.Synced(sent[i].Window, sync.Totals[i]);
                totals[sent[i].Counter] = sync.Totals[i];
            }

            _hot[account] = new HotFollowers(followerWindow, [.. sync.HotFollowers]);
            return totals;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The store is unreachable: keep counting here and send it all next time.
            foreach (var (counter, window, delta) in sent)
            {
                if (counter.Unsent(window, delta))
                {
                    _dirty.Enqueue(counter);
                }
            }

            return null;
        }
    }

    private RateCounter Counter(string account, string? follower) =>
        _counters.GetOrAdd((account, follower), static key => new RateCounter(key.Account, key.Follower));

    private void Sweep()
    {
        var now = time.GetUtcNow();
        var followerWindow = RateLimits.Window(now, Limits.PerFollowerWindowSeconds);
        var accountWindow = RateLimits.Window(now, Limits.PerAccountWindowSeconds);
        foreach (var (key, counter) in _counters)
        {
            if (counter.IsStale(key.Follower is null ? accountWindow : followerWindow))
            {
                _counters.TryRemove(KeyValuePair.Create(key, counter));
            }
        }
    }

    /// <summary>Followers some instance found near their limit, in this follower window or the one before.</summary>
    private sealed record HotFollowers(long Window, HashSet<string> Followers)
    {
        public bool Contains(string follower, long window) => Window >= window && Followers.Contains(follower);
    }
}
