namespace BrandBot.Delivery.Limits;

/// <summary>
/// The windows shared between instances (Redis). Each instance counts in memory and adds what it
/// counted here in the background, learning the totals back; none on the embedded store, where the
/// process's own count is the whole truth.
/// </summary>
public interface IRateWindowStore
{
    /// <summary>
    /// Adds each delta to its window and returns the totals in the same order, plus the followers any
    /// instance found at their limit in <paramref name="followerWindow"/> or the window before it.
    /// </summary>
    Task<RateSync> SyncAsync(string account, IReadOnlyList<WindowDelta> deltas, long followerWindow, int followerWindowSeconds, CancellationToken cancellationToken);
}

/// <param name="Follower">The follower's hashed id, or null for the account's own window.</param>
/// <param name="HotFrom">The total from which the follower is announced to every instance as near its limit (0 = never).</param>
public readonly record struct WindowDelta(string? Follower, long Window, int Seconds, long Delta, long HotFrom);

public sealed record RateSync(IReadOnlyList<long> Totals, IReadOnlyCollection<string> HotFollowers);
