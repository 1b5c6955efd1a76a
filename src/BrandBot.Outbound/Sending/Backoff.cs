namespace BrandBot.Outbound.Sending;

/// <summary>
/// The wait before another try: 1 s doubling per attempt, at most 5 minutes, ±20% so that instances which
/// failed together do not come back together. The randomness is injected so tests are exact.
/// </summary>
public static class Backoff
{
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    public static TimeSpan After(int attempts, Random random)
    {
        var seconds = Math.Min(Cap.TotalSeconds, Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + 0.4 * random.NextDouble()));
    }
}
