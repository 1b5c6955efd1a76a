namespace BrandBot.Delivery;

/// <summary>
/// The settings the push path reads, taken from the host's validated configuration once at start-up
/// (the host owns the section names and their validation; see docs/configuration.md).
/// </summary>
public sealed record DeliveryOptions
{
    /// <summary>How long a push may take before it is answered <c>success</c> and its reply sent by customer service.</summary>
    public int PushBudgetMilliseconds { get; init; } = 4000;

    /// <summary>How long a push's record (its first answer) is kept for WeChat's retries.</summary>
    public int DedupSeconds { get; init; } = 60;

    /// <summary>Pushes signed further than this from now are refused as replays; 0 turns the check off.</summary>
    public long ReplayWindowSeconds { get; init; } = 600;

    /// <summary>Statistics' day boundary (flows count their per-day events with it too).</summary>
    public double StatsUtcOffsetHours { get; init; } = 8;

    /// <summary>Key for the hash that stands in for OpenIDs in logs; a random per-process key when empty.</summary>
    public string? LogHashKey { get; init; }

    /// <summary>Synthetic pushes rehearsed before the host listens; 0 turns the warm-up off.</summary>
    public int WarmUpRounds { get; init; } = 300;
}
