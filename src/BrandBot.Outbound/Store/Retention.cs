namespace BrandBot.Outbound.Store;

/// <summary>
/// How long the outbound stores keep what they hold (docs/outbound-messages.md#what-is-kept-and-for-how-long),
/// the same for the Redis store and the embedded one, so neither grows without bound.
/// </summary>
public static class Retention
{
    /// <summary>A message's record is kept this long after it was accepted (unless it is still to be sent, in memory).</summary>
    public static readonly TimeSpan Message = TimeSpan.FromDays(30);

    /// <summary>How many of an account's newest messages the list (and the embedded store) keeps.</summary>
    public const int RecentMessages = 50_000;

    /// <summary>How long a MsgID finds its message, and an early job-finish event waits for its send's answer.</summary>
    public static readonly TimeSpan MsgId = TimeSpan.FromDays(3);

    /// <summary>How many of an account's latest failed or unknown messages the dashboard can show.</summary>
    public const int Failures = 1_000;

    /// <summary>Daily counts, as long as the dashboard's other statistics (StatsWindow.KeptDays).</summary>
    public const int Days = 400;

    /// <summary>
    /// How long a follower's window is worth keeping after they wrote (or acted) at <c>messageAt</c>
    /// (<c>actionAt</c>): until neither allowance can apply any more; never negative.
    /// </summary>
    public static TimeSpan WindowLeft(Windows.FollowerWindow window, Windows.WindowRules rules, long nowMs)
    {
        var end = Math.Max(
            window.MessageAt > 0 ? window.MessageAt + (long)rules.MessageWindow.TotalMilliseconds : 0,
            window.ActionAt > 0 ? window.ActionAt + (long)rules.ActionWindow.TotalMilliseconds : 0);
        return TimeSpan.FromMilliseconds(Math.Max(0, end - nowMs));
    }
}
