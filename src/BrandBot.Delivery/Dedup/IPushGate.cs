namespace BrandBot.Delivery.Dedup;

/// <summary>
/// The door every push goes through once it is verified and parsed: it tells a first attempt from a
/// retry (de-duplication) and counts rule-triggering messages against the rate limits, in one step
/// (one Redis round trip). Shared between instances through Redis, in memory on the embedded store.
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
/// One push at the gate. <paramref name="Follower"/> is the follower's hashed id when the push counts
/// against the rate limits (it would trigger a reply), null otherwise (follows are never limited).
/// <paramref name="Lease"/> is how long the in-flight mark holds if its owner never answers.
/// </summary>
public sealed record PushTicket(string Account, string PushKey, string? Follower, TimeSpan Lease, RateLimits Limits, DateTimeOffset Now)
{
    /// <summary>
    /// The answer, when it is ready before the push enters (replies fixed in the rules): a first
    /// attempt then stores it at once, kept for <see cref="Keep"/> — one step instead of an in-flight
    /// mark followed by <see cref="IPushGate.Remember"/>. Over a rate limit, <c>success</c> is stored instead.
    /// </summary>
    public RememberedAnswer? Answer { get; init; }

    public TimeSpan Keep { get; init; }
}

/// <summary>Fixed-window limits; a count of 0 switches the limit off.</summary>
public sealed record RateLimits(int PerFollower, int PerFollowerWindowSeconds, int PerAccount, int PerAccountWindowSeconds)
{
    public static RateLimits None { get; } = new(0, 60, 0, 1);

    /// <summary>The window a moment falls in: windows are aligned to the Unix epoch, so instances agree.</summary>
    public static long Window(DateTimeOffset now, int seconds) => now.ToUnixTimeSeconds() / Math.Max(1, seconds);
}

public enum GateOutcome
{
    /// <summary>
    /// This attempt is the first: compute the answer and <see cref="IPushGate.Remember"/> it (or, when the
    /// ticket carried its answer, it is already stored).
    /// </summary>
    First,

    /// <summary>First, but over a rate limit: answer <c>success</c> (and remember that, unless the ticket carried an answer).</summary>
    Limited,

    /// <summary>Another attempt is computing the answer.</summary>
    InFlight,

    /// <summary>A retry; <see cref="GateVerdict.Answer"/> is what the first attempt answered.</summary>
    Answered,

    /// <summary>The mark expired without an answer (returned by <see cref="IPushGate.WaitAsync"/> only).</summary>
    Vacant,
}

public enum LimitScope
{
    Follower,
    Account,
}

public readonly record struct GateVerdict(GateOutcome Outcome, RememberedAnswer? Answer = null, LimitScope? LimitedBy = null)
{
    public static GateVerdict First => new(GateOutcome.First);

    public static GateVerdict InFlight => new(GateOutcome.InFlight);

    public static GateVerdict Vacant => new(GateOutcome.Vacant);

    public static GateVerdict Limited(LimitScope scope) => new(GateOutcome.Limited, null, scope);

    public static GateVerdict Replay(RememberedAnswer answer) => new(GateOutcome.Answered, answer);
}
