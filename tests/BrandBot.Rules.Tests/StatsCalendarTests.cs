using BrandBot.Rules.Stats;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.Rules.Tests;

public class StatsCalendarTests
{
    [Fact]
    public void Today_TurnsOverAtMidnightOfTheOffset_NotUtc()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T15:59:59Z", System.Globalization.CultureInfo.InvariantCulture));
        var calendar = new StatsCalendar(time, TimeSpan.FromHours(8));

        Assert.Equal("20261123", calendar.Today());
        time.Advance(TimeSpan.FromSeconds(1)); // 16:00 UTC is 00:00 in China
        Assert.Equal("20261124", calendar.Today());
        Assert.Equal("20261124", calendar.Today());
    }
}
