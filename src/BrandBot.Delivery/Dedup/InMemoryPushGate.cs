using System.Collections.Concurrent;

namespace BrandBot.Delivery.Dedup;

/// <summary>
/// The gate for one process: the embedded store's, and the stand-in while Redis is unreachable.
/// Expired marks are swept as new pushes arrive (no timer thread per gate).
/// </summary>
public sealed class InMemoryPushGate(TimeProvider time) : IPushGate
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Account, string Key), Mark> _marks = new();
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

        return ValueTask.FromResult(GateVerdict.First);
    }

    /// <summary>
    /// Records a push answered without waiting, unless an attempt of it is known already. Null when this
    /// one was first; otherwise the earlier attempt's answer (<c>success</c> while that attempt is still in flight).
    /// </summary>
    public RememberedAnswer? TryRecord(PendingPush push, DateTimeOffset now)
    {
        SweepIfDue(now);
        var mine = new Mark(push.KeepUntil, push.Answer);
        var mark = _marks.AddOrUpdate((push.Account, push.PushKey), mine, (_, existing) => existing.IsLive(now) ? existing : mine);
        return ReferenceEquals(mark, mine) ? null : mark.Answer ?? RememberedAnswer.Nothing;
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
}
