using BrandBot.Redis;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.Redis.Tests;

public class RecentSlowestTests
{
    [Fact]
    public void TheSlowestOfThisSecondAndTheLast_ThenNothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_795_000_000));
        var slowest = new RecentSlowest(time);
        Assert.Equal(TimeSpan.Zero, slowest.Slowest);

        slowest.Report(TimeSpan.FromMilliseconds(40));
        slowest.Report(TimeSpan.FromMilliseconds(5));
        Assert.Equal(TimeSpan.FromMilliseconds(40), slowest.Slowest);

        time.Advance(TimeSpan.FromSeconds(1));
        slowest.Report(TimeSpan.FromMilliseconds(3));
        // The slow write of the second before still counts ...
        Assert.Equal(TimeSpan.FromMilliseconds(40), slowest.Slowest);

        time.Advance(TimeSpan.FromSeconds(1));
        slowest.Report(TimeSpan.FromMilliseconds(2));
        // ... and is forgotten a second later.
        Assert.Equal(TimeSpan.FromMilliseconds(3), slowest.Slowest);

        time.Advance(TimeSpan.FromSeconds(5));
        slowest.Report(TimeSpan.FromMilliseconds(1));
        // After a quiet spell the old second is not "the second before".
        Assert.Equal(TimeSpan.FromMilliseconds(1), slowest.Slowest);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.Zero, slowest.Slowest);
    }
}
