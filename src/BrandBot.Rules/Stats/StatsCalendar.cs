namespace BrandBot.Rules.Stats;

/// <summary>
/// Today's statistics day key ("yyyyMMdd" at the configured UTC offset), formatted once a day rather
/// than once a push.
/// </summary>
public sealed class StatsCalendar(TimeProvider time, TimeSpan utcOffset)
{
    // One reference, swapped whole, so readers never see a day number with another day's key.
    private DayKey _today = new(-1, "");

    public string Today()
    {
        var day = StatsDay.Of(time.GetUtcNow(), utcOffset);
        var cached = _today;
        if (cached.DayNumber == day.DayNumber)
        {
            return cached.Key;
        }

        var fresh = new DayKey(day.DayNumber, StatsDay.Key(day));
        _today = fresh;
        return fresh.Key;
    }

    private sealed record DayKey(int DayNumber, string Key);
}
