using BrandBot.Redis;
using BrandBot.Testing;
using StackExchange.Redis;

namespace BrandBot.Redis.Tests;

/// <summary>
/// The in-process tally RedisHitStats keeps between flushes: counts racing a flush land once, and
/// the cap on distinct pending counters frees up again after a flush (it is kept as a number beside
/// the table, not asked of the table on every count).
/// </summary>
public sealed class RedisHitStatsTallyTests : RedisConnected
{
    private static readonly TimeSpan Offset = TimeSpan.FromHours(8);
    private static DateOnly Today => DateOnly.FromDateTime((DateTimeOffset.UtcNow + Offset).UtcDateTime);

    [Fact]
    public async Task CountsRacingFlushes_AreEachWrittenOnce()
    {
        var stats = new RedisHitStats(Connection, TimeProvider.System, Offset);
        var counting = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                stats.RuleHit("acme", "rule" + (i % 50));
            }
        })).ToArray();
        while (!counting.All(t => t.IsCompleted))
        {
            await stats.FlushAsync();
        }

        await stats.FlushAsync();
        var day = await stats.ReadAsync("acme", Today);
        Assert.Equal(50, day.RuleHits.Count);
        Assert.All(day.RuleHits.Values, hits => Assert.Equal(8 * 100, hits));
    }

    [Fact]
    public async Task AtTheCap_NewCountersWait_KnownOnesCount_AndAFlushMakesRoomAgain()
    {
        var stats = new RedisHitStats(Connection, TimeProvider.System, Offset);
        for (var i = 0; i < RedisHitStats.MaxPending; i++)
        {
            stats.RuleHit("acme", "r" + i);
        }

        stats.RuleHit("acme", "one too many");
        stats.RuleHit("acme", "r0");
        await stats.FlushAsync();
        var day = await stats.ReadAsync("acme", Today);
        Assert.Equal(RedisHitStats.MaxPending, day.RuleHits.Count);
        Assert.Equal(2, day.RuleHits["r0"]);
        Assert.False(day.RuleHits.ContainsKey("one too many"));

        // The flush emptied the tally: a counter never seen before is taken again.
        stats.RuleHit("acme", "after the flush");
        await stats.FlushAsync();
        Assert.Equal(1, (await stats.ReadAsync("acme", Today)).RuleHits["after the flush"]);
    }
}
