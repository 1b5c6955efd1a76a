namespace BrandBot.Delivery.Dedup;

/// <summary>
/// Where pushes answered without waiting are recorded, behind their answer (write-behind). Each
/// record is written only if no attempt of the same push was recorded before it; the attempt that
/// wins runs the push's side effects (counting, follow-ups), every other attempt runs none.
/// </summary>
public interface IPushLedger
{
    /// <summary>
    /// Queues the record; <see cref="PendingPush.Settled"/> is called once it is known who was first. Never
    /// blocks. A ledger that knows at once (the embedded store's) returns an earlier attempt's answer, to answer with instead.
    /// </summary>
    RememberedAnswer? Write(PendingPush push);

    /// <summary>
    /// How long after an answer its record may still be on the way to where other instances look (zero
    /// when the ledger knows at once). Every instance of a deployment is configured alike.
    /// </summary>
    TimeSpan WriteBound { get; }

    /// <summary>Writes everything queued so far (shutdown, tests).</summary>
    Task DrainAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// One push answered at once, waiting to learn whether it was the first attempt.
/// <see cref="Answer"/> is what the embedded store keeps; <see cref="Compact"/> what Redis keeps.
/// </summary>
public abstract class PendingPush(string account, string pushKey, long pushCreateTime, RememberedAnswer answer, CompactAnswer compact, DateTimeOffset keepUntil)
{
    public string Account { get; } = account;

    public string PushKey { get; } = pushKey;

    /// <summary>The push's CreateTime: the same on every attempt, so it places the record where any retry looks.</summary>
    public long PushCreateTime { get; } = pushCreateTime;

    public RememberedAnswer Answer { get; } = answer;

    public CompactAnswer Compact { get; } = compact;

    /// <summary>The record must outlive both WeChat's retries and the push signature's replay window.</summary>
    public DateTimeOffset KeepUntil { get; } = keepUntil;

    /// <summary>Called exactly once, off the request path. Must not throw.</summary>
    public abstract void Settled(bool first);
}
