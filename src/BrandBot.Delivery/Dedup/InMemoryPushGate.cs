using System.Collections.Concurrent;

namespace BrandBot.Delivery.Dedup;

/// <summary>
/// The gate for one process: the embedded store's, and the stand-in while Redis is unreachable.
/// Expired marks and windows are swept as new pushes arrive (no timer thread per gate).
/// </summary>
public sealed class InMemoryPushGate(TimeProvider time) : IPushGate
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Account, string Key), Mark> _marks = new();
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>Marks currently held (for tests and the sweep).</summary>
    public int MarkCount => _marks.Count;

    public ValueTask<GateVerdict> EnterAsync(PushTicket ticket, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        SweepIfDue(now);
        var key = (ticket.Account, ticket.PushKey);
        var mine = ticket.Answer is { } ready ? new Mark(now + ticket.Keep, ready) : new Mark(now + ticket.Lease);
        var mark = _marks.AddOrUpdate(key, _ => mine, (_, existing) => existing.IsLive(now) ? existing : mine);
        if (!ReferenceEquals(mark, mine))
        {
            return ValueTask.FromResult(mark.Answer is { } answer ? GateVerdict.Replay(answer) : GateVerdict.InFlight);
        }

        if (Count(ticket, now) is not { } scope)
        {
            return ValueTask.FromResult(GateVerdict.First);
        }

        if (ticket.Answer is not null)
        {
            _marks[key] = new Mark(now + ticket.Keep, RememberedAnswer.Nothing);
        }

        return ValueTask.FromResult(GateVerdict.Limited(scope));
    }

    public async ValueTask<GateVerdict> WaitAsync(string account, string pushKey, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!_marks.TryGetValue((account, pushKey), out var mark) || !mark.IsLive(time.GetUtcNow()))
        {
            return GateVerdict.Vacant;
        }

        if (mark.Answer is { } ready)
        {
            return GateVerdict.Replay(ready);
        }

        var answered = mark.Answered;
        // The answer may have replaced the mark before we started listening to it.
        if (_marks.TryGetValue((account, pushKey), out var current) && current.Answer is { } meanwhile)
        {
            return GateVerdict.Replay(meanwhile);
        }

        var leaseLeft = mark.ExpiresAt - time.GetUtcNow();
        var wait = timeout < leaseLeft ? timeout : leaseLeft;
        try
        {
            var answer = await answered.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, cancellationToken);
            return GateVerdict.Replay(answer);
        }
        catch (TimeoutException)
        {
            return wait < timeout ? GateVerdict.Vacant : GateVerdict.InFlight;
        }
    }

    public void Remember(string account, string pushKey, RememberedAnswer answer, TimeSpan keep)
    {
        var done = new Mark(time.GetUtcNow() + keep, answer);
        Mark? replaced = null;
        _marks.AddOrUpdate((account, pushKey), done, (_, existing) =>
        {
            replaced = existing;
            return done;
        });
        // Wake a retry waiting on the in-flight mark this answer replaces.
        replaced?.Complete(answer);
    }

    private LimitScope? Count(PushTicket ticket, DateTimeOffset now)
    {
        if (ticket.Follower is null)
        {
            return null;
        }

        var limits = ticket.Limits;
        if (limits.PerFollower > 0 && Increment($"f\n{ticket.Account}\n{ticket.Follower}", now, limits.PerFollowerWindowSeconds) > limits.PerFollower)
        {
            return LimitScope.Follower;
        }

        if (limits.PerAccount > 0 && Increment($"a\n{ticket.Account}", now, limits.PerAccountWindowSeconds) > limits.PerAccount)
        {
            return LimitScope.Account;
        }

        return null;
    }

    private int Increment(string key, DateTimeOffset now, int seconds)
    {
        var window = RateLimits.Window(now, seconds);
        var entry = _windows.AddOrUpdate(
            key,
            _ => new Window(window, 1, now.AddSeconds(seconds)),
            (_, current) => current.Number == window ? current with { Count = current.Count + 1 } : new Window(window, 1, now.AddSeconds(seconds)));
        return entry.Count;
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweep, (now + SweepEvery).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (key, mark) in _marks)
        {
            if (!mark.IsLive(now))
            {
                _marks.TryRemove(KeyValuePair.Create(key, mark));
            }
        }

        foreach (var (key, window) in _windows)
        {
            if (window.ExpiresAt <= now)
            {
                _windows.TryRemove(KeyValuePair.Create(key, window));
            }
        }
    }

    private sealed class Mark(DateTimeOffset expiresAt, RememberedAnswer? answer = null)
    {
        // Made only when a retry waits: most marks are answers from the start and never need one.
        private TaskCompletionSource<RememberedAnswer>? _answered;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public RememberedAnswer? Answer { get; } = answer;

        /// <summary>Completes when the in-flight attempt remembers its answer.</summary>
        public Task<RememberedAnswer> Answered =>
            LazyInitializer.EnsureInitialized(ref _answered, () => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public bool IsLive(DateTimeOffset now) => now < ExpiresAt;

        public void Complete(RememberedAnswer answer) => Volatile.Read(ref _answered)?.TrySetResult(answer);
    }

    private sealed record Window(long Number, int Count, DateTimeOffset ExpiresAt);
}
