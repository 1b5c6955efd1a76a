namespace BrandBot.Delivery.Dedup;

/// <summary>
/// The door a push goes through when its answer cannot be given without knowing whether an earlier
/// attempt exists: a reply from a brand backend (computed once, under a lease, and waited for by
/// retries), a follower at a rate limit, a publish moments ago. It tells a first attempt from a
/// retry in one step (one Redis round trip). Shared through Redis, in memory on the embedded store.
/// Pushes answered without waiting go to the <see cref="IPushLedger"/> instead.
/// </summary>
public interface IPushGate
{
    ValueTask<GateVerdict> EnterAsync(PushTicket ticket, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for the answer of a push another attempt is computing. Returns it, or
    /// <see cref="GateVerdict.InFlight"/> when <paramref name="timeout"/> passed first, or
    /// <see cref="GateOutcome.Vacant"/> when the other attempt's lease ran out without an answer
    /// (its instance died): the caller may then enter again.
    /// </summary>
    ValueTask<GateVerdict> WaitAsync(string account, string pushKey, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Keeps the first attempt's answer for retries, for <paramref name="keep"/>. Does not wait for storage.</summary>
    void Remember(string account, string pushKey, RememberedAnswer answer, TimeSpan keep);
}

/// <summary>
/// One push at the gate. <paramref name="Lease"/> is how long the in-flight mark holds if its owner
/// never answers; <paramref name="PushCreateTime"/> places the push's compact record, should an attempt
/// answered without waiting have written one.
/// </summary>
public sealed record PushTicket(string Account, string PushKey, long PushCreateTime, TimeSpan Lease)
{
    /// <summary>
    /// The answer, when it is ready before the push enters (replies fixed in the rules): a first
    /// attempt then stores it at once, kept for <see cref="Keep"/> — one step instead of an in-flight
    /// mark followed by <see cref="IPushGate.Remember"/> (over a rate limit, that answer is <c>success</c>).
    /// </summary>
    public RememberedAnswer? Answer { get; init; }

    public TimeSpan Keep { get; init; }
}

public enum GateOutcome
{
    /// <summary>
    /// This attempt is the first: compute the answer and <see cref="IPushGate.Remember"/> it (or, when the
    /// ticket carried its answer, it is already stored).
    /// </summary>
    First,

    /// <summary>Another attempt is computing the answer.</summary>
    InFlight,

    /// <summary>A retry; <see cref="GateVerdict.Answer"/> is what the first attempt answered.</summary>
    Answered,

    /// <summary>The mark expired without an answer (returned by <see cref="IPushGate.WaitAsync"/> only).</summary>
    Vacant,
}

/// <summary>
/// The gate's answer. A retry carries the first attempt's <see cref="Answer"/>, or its
/// <see cref="Compact"/> record when that attempt was answered without waiting (render it from the rules).
/// </summary>
public readonly record struct GateVerdict(GateOutcome Outcome, RememberedAnswer? Answer = null, CompactAnswer? Compact = null)
{
    public static GateVerdict First => new(GateOutcome.First);

    public static GateVerdict InFlight => new(GateOutcome.InFlight);

    public static GateVerdict Vacant => new(GateOutcome.Vacant);

    public static GateVerdict Replay(RememberedAnswer answer) => new(GateOutcome.Answered, answer);

    public static GateVerdict Replay(CompactAnswer answer) => new(GateOutcome.Answered, null, answer);
}
