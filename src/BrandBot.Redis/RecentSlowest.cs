namespace BrandBot.Redis;

/// <summary>
/// The slowest of the durations reported in the current and the previous second: what "lately" means
/// for a bound that must follow Redis when it slows down and let go soon after. One writer, many readers.
/// </summary>
public sealed class RecentSlowest(TimeProvider time)
{
    private long _second = long.MinValue;
    private long _currentTicks;
    private long _previousTicks;

    public void Report(TimeSpan duration)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        if (second != Volatile.Read(ref _second))
        {
            Volatile.Write(ref _previousTicks, second == _second + 1 ? Volatile.Read(ref _currentTicks) : 0);
            Volatile.Write(ref _currentTicks, 0);
            Volatile.Write(ref _second, second);
        }

        if (duration.Ticks > Volatile.Read(ref _currentTicks))
        {
            Volatile.Write(ref _currentTicks, duration.Ticks);
        }
    }

    /// <summary>Zero when nothing was reported in the last two seconds.</summary>
    public TimeSpan Slowest
    {
        get
        {
            var second = time.GetUtcNow().ToUnixTimeSeconds();
            var reportedIn = Volatile.Read(ref _second);
            var current = Volatile.Read(ref _currentTicks);
            var previous = Volatile.Read(ref _previousTicks);
            return reportedIn == second ? TimeSpan.FromTicks(Math.Max(current, previous))
                : reportedIn == second - 1 ? TimeSpan.FromTicks(current)
                : TimeSpan.Zero;
        }
    }
}
