using BrandBot.Rules.Stats;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// Statistics in Redis, shared by every instance. Writes are fire-and-forget: a push never waits for
/// them, and while Redis is away they are dropped rather than queued without bound; counting resumes
/// by itself once the multiplexer reconnects.
/// </summary>
public sealed class RedisHitStats(IConnectionMultiplexer redis, TimeProvider time, TimeSpan utcOffset) : IHitStats
{
    /// <summary>Daily keys expire after this long.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(400);

    public void RuleHit(string account, string rule) => Increment(RedisKeys.RuleHits(account, Today()), rule);

    public void Follow(string account, string? scene)
    {
        var day = Today();
        Increment(RedisKeys.FollowEvents(account, day), "follow");
        if (scene is not null)
        {
            Increment(RedisKeys.SceneFollows(account, day), scene);
        }
    }

    public void Unfollow(string account) => Increment(RedisKeys.FollowEvents(account, Today()), "unfollow");

    public void Unanswered(string account, string normalizedText)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        var key = RedisKeys.Unanswered(account, Today());
        var db = redis.GetDatabase();
        db.SortedSetIncrement(key, StatsDay.Shorten(normalizedText), 1, CommandFlags.FireAndForget);
        db.KeyExpire(key, Retention, CommandFlags.FireAndForget);
    }

    public async Task<DailyStats> ReadAsync(string account, DateOnly day, int topUnanswered = 20, CancellationToken cancellationToken = default)
    {
        var key = StatsDay.Key(day);
        var db = redis.GetDatabase();
        // Independent reads: start them all, then await (STYLE.md §9).
        var rules = db.HashGetAllAsync(RedisKeys.RuleHits(account, key));
        var events = db.HashGetAllAsync(RedisKeys.FollowEvents(account, key));
        var scenes = db.HashGetAllAsync(RedisKeys.SceneFollows(account, key));
        var unanswered = db.SortedSetRangeByRankWithScoresAsync(RedisKeys.Unanswered(account, key), 0, topUnanswered - 1, Order.Descending);
        await Task.WhenAll(rules, events, scenes, unanswered);

        var eventCounts = ToDictionary(events.Result);
        return new DailyStats(
            day,
            ToDictionary(rules.Result),
            eventCounts.GetValueOrDefault("follow"),
            eventCounts.GetValueOrDefault("unfollow"),
            ToDictionary(scenes.Result),
            [.. unanswered.Result.Select(e => new KeyValuePair<string, long>(e.Element!, (long)e.Score))]);
    }

    private void Increment(RedisKey key, string field)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        var db = redis.GetDatabase();
        db.HashIncrement(key, field, 1, CommandFlags.FireAndForget);
        db.KeyExpire(key, Retention, CommandFlags.FireAndForget);
    }

    private string Today() => StatsDay.Key(StatsDay.Of(time.GetUtcNow(), utcOffset));

    private static Dictionary<string, long> ToDictionary(HashEntry[] entries) =>
        entries.ToDictionary(e => (string)e.Name!, e => (long)e.Value, StringComparer.Ordinal);
}
