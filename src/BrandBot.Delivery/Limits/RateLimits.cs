namespace BrandBot.Delivery.Limits;

/// <summary>Fixed-window limits; a count of 0 switches the limit off.</summary>
public sealed record RateLimits(int PerFollower, int PerFollowerWindowSeconds, int PerAccount, int PerAccountWindowSeconds)
{
    public bool Any => PerFollower > 0 || PerAccount > 0;

    /// <summary>The window a moment falls in: windows are aligned to the Unix epoch, so instances agree.</summary>
    public static long Window(DateTimeOffset now, int seconds) => now.ToUnixTimeSeconds() / Math.Max(1, seconds);
}

public enum LimitScope
{
    Follower,
    Account,
}
