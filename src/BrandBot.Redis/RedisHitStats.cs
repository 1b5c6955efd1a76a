using System.Collections.Concurrent;
using BrandBot.Rules.Stats;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// Statistics in Redis, shared by every instance. A push only adds to an in-process tally (no Redis
/// command on the request path); <see cref="FlushAsync"/> writes the tally as one pipelined batch,
/// every second and at shutdown. While Redis is away the tally is kept (up to a bound) and written
/// when it is back, so counting resumes without losing what happened meanwhile.
/// </summary>
public sealed class RedisHitStats(IConnectionMultiplexer redis, TimeProvider time, TimeSpan utcOffset) : IHitStats
{
    /// <summary>Daily keys expire after this long.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(400);

    /// <summary>Distinct pending counters kept while Redis is unreachable; beyond this, new ones are dropped.</summary>
    public const int MaxPending = 100_000;

    // ARGV: command (HINCRBY or ZINCRBY), ttl seconds, then field/member and count pairs.
    private const string FlushScript = """
        for i = 3, #ARGV, 2 do
          if ARGV[1] == 'HINCRBY' then
            redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
          else
            redis.call('ZINCRBY', KEYS[1], ARGV[i + 1], ARGV[i])
          end
        end
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    private readonly ConcurrentDictionary<Counter, long> _pending = new();

    private readonly StatsCalendar _calendar = new(time, utcOffset);

    /// <summary>Which daily key a count goes to; the Redis key itself is only built when flushing.</summary>
    private enum Kind
    {
        RuleHits,
        FollowEvents,
        SceneFollows,
        Unanswered,
    }

    private readonly record struct Counter(Kind Kind, string Account, string Day, string Field)
    {
        public RedisKey Key => Kind switch
        {
            Kind.RuleHits => RedisKeys.RuleHits(Account, Day),
            Kind.FollowEvents => RedisKeys.FollowEvents(Account, Day),
            Kind.SceneFollows => RedisKeys.SceneFollows(Account, Day),
            _ => RedisKeys.Unanswered(Account, Day),
        };
    }

    public void RuleHit(string account, string rule) => Add(Kind.RuleHits, account, rule);

    public void Follow(string account, string? scene)
    {
        Add(Kind.FollowEvents, account, "follow");
        if (scene is not null)
        {
            Add(Kind.SceneFollows, account, scene);
        }
    }

    public void Unfollow(string account) => Add(Kind.FollowEvents, account, "unfollow");

    public void Unanswered(string account, string normalizedText) => Add(Kind.Unanswered, account, StatsDay.Shorten(normalizedText));

    /// <summary>Writes everything counted so far. On failure the counts go back into the tally.</summary>
    public async Task FlushAsync()
    {
        if (_pending.IsEmpty || !redis.IsConnected)
        {
            return;
        }

        var batch = TakeAll();
        var db = redis.GetDatabase();
        // One script call per key (rules, events, scenes, unanswered of one account and day), however
        // many fields it carries: a flush costs a handful of commands, not one per counter.
        var groups = batch.GroupBy(c => (c.Counter.Kind, c.Counter.Account, c.Counter.Day)).ToList();
        var writes = groups.Select(g => db.ScriptEvaluateAsync(
            FlushScript,
            [g.First().Counter.Key],
            [g.Key.Kind == Kind.Unanswered ? "ZINCRBY" : "HINCRBY", (long)Retention.TotalSeconds, .. g.SelectMany(c => new RedisValue[] { c.Counter.Field, c.Count })])).ToList();

        try
        {
            await Task.WhenAll(writes);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A script either ran whole or not at all: put back exactly the groups that failed.
            for (var i = 0; i < groups.Count; i++)
            {
                if (!writes[i].IsCompletedSuccessfully)
                {
                    foreach (var (counter, count) in groups[i])
                    {
                        Add(counter, count);
                    }
                }
            }
        }
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

    /// <summary>
    /// Takes every pending count with a compare-and-swap per counter, so an increment racing with the
    /// flush lands either in this batch or in the next one, never nowhere.
    /// </summary>
    private List<(Counter Counter, long Count)> TakeAll()
    {
        var taken = new List<(Counter, long)>(_pending.Count);
        foreach (var (counter, _) in _pending)
        {
            while (_pending.TryGetValue(counter, out var count) && count != 0)
            {
                if (_pending.TryUpdate(counter, 0, count))
                {
                    taken.Add((counter, count));
                    break;
                }
            }

            _pending.TryRemove(new KeyValuePair<Counter, long>(counter, 0));
        }

        return taken;
    }

    private void Add(Kind kind, string account, string field) => Add(new Counter(kind, account, _calendar.Today(), field), 1);

    private void Add(Counter counter, long count)
    {
        if (_pending.Count >= MaxPending && !_pending.ContainsKey(counter))
        {
            return;
        }

        _pending.AddOrUpdate(counter, static (_, add) => add, static (_, n, add) => n + add, count);
    }

    private static Dictionary<string, long> ToDictionary(HashEntry[] entries) =>
        entries.ToDictionary(e => (string)e.Name!, e => (long)e.Value, StringComparer.Ordinal);
}
