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

    // KEYS: any key of the account (routes the call to its slot). ARGV: key prefix, ttl seconds, then
    // groups of five: F|U, follower hash, scene, unix seconds, stats day. In order, so a follow and an
    // unfollow in one flush land as they happened.
    private const string FollowerEventsScript = """
        local prefix, ttl = ARGV[1], tonumber(ARGV[2])
        for i = 3, #ARGV, 5 do
          local origin = prefix .. 'origin:' .. ARGV[i + 1]
          if ARGV[i] == 'F' then
            if ARGV[i + 2] == '' then
              redis.call('DEL', origin)
            else
              redis.call('SET', origin, ARGV[i + 2] .. '\n' .. ARGV[i + 3] .. '\n' .. ARGV[i + 4], 'EX', ttl)
            end
          else
            local o = redis.call('GET', origin)
            if o then
              redis.call('DEL', origin)
              local scene, at, day = string.match(o, '^(.*)\n(%d+)\n(%d+)$')
              if scene then
                local unfollows = prefix .. 'stats:' .. ARGV[i + 4] .. ':scene-unfollows'
                redis.call('HINCRBY', unfollows, scene, 1)
                redis.call('EXPIRE', unfollows, ttl)
                local age = tonumber(ARGV[i + 3]) - tonumber(at)
                local left = prefix .. 'stats:' .. day .. ':left'
                for _, n in ipairs({1, 7, 30}) do
                  if age < n * 86400 then
                    redis.call('HINCRBY', left, scene .. '\n' .. n, 1)
                  end
                end
                redis.call('EXPIRE', left, ttl)
              end
            end
          end
        end
        return 1
        """;

    private readonly ConcurrentDictionary<Counter, long> _pending = new();

    // How many keys _pending holds. ConcurrentDictionary.Count takes every lock of the table; asked
    // on every count of every push it cost several percent of a saturated core (perf; docs/performance.md).
    private int _pendingKeys;

    private readonly ConcurrentQueue<FollowerEvent> _followerEvents = new();

    private readonly record struct FollowerEvent(string Account, char Kind, string Follower, string Scene, long At, string Day);

    private readonly StatsCalendar _calendar = new(time, utcOffset);

    /// <summary>Which daily key a count goes to; the Redis key itself is only built when flushing.</summary>
    private enum Kind
    {
        RuleHits,
        FollowEvents,
        SceneFollows,
        Unanswered,
        Scans,
        MenuClicks,
        FlowEvents,
    }

    private readonly record struct Counter(Kind Kind, string Account, string Day, string Field)
    {
        public RedisKey Key => Kind switch
        {
            Kind.RuleHits => RedisKeys.RuleHits(Account, Day),
            Kind.FollowEvents => RedisKeys.FollowEvents(Account, Day),
            Kind.SceneFollows => RedisKeys.SceneFollows(Account, Day),
            Kind.Scans => RedisKeys.Scans(Account, Day),
            Kind.MenuClicks => RedisKeys.MenuClicks(Account, Day),
            Kind.FlowEvents => RedisKeys.FlowEvents(Account, Day),
            _ => RedisKeys.Unanswered(Account, Day),
        };
    }

    public void RuleHit(string account, string rule) => Add(Kind.RuleHits, account, rule);

    public void Follow(string account, string? scene, string follower)
    {
        Add(Kind.FollowEvents, account, "follow");
        if (scene is not null)
        {
            Add(Kind.SceneFollows, account, scene);
        }

        AddFollowerEvent(account, 'F', follower, scene ?? "");
    }

    public void Unfollow(string account, string follower)
    {
        Add(Kind.FollowEvents, account, "unfollow");
        AddFollowerEvent(account, 'U', follower, "");
    }

    public void Scan(string account, string scene) => Add(Kind.Scans, account, scene);

    public void MenuClick(string account, string key) => Add(Kind.MenuClicks, account, key);

    public void FlowEvent(string account, string flow, string @event) => Add(Kind.FlowEvents, account, $"{flow}\n{@event}");

    private void AddFollowerEvent(string account, char kind, string follower, string scene)
    {
        if (_followerEvents.Count < MaxPending)
        {
            _followerEvents.Enqueue(new(account, kind, follower, scene, time.GetUtcNow().ToUnixTimeSeconds(), _calendar.Today()));
        }
    }

    public void Unanswered(string account, string normalizedText)
    {
        Add(Kind.Unanswered, account, StatsDay.Shorten(normalizedText));
        Add(Kind.FollowEvents, account, "unanswered");
    }

    // The day's totals share the follow/unfollow hash: one key, read with the same HGETALL.
    public void Message(string account) => Add(Kind.FollowEvents, account, "message");

    /// <summary>Writes everything counted so far. On failure the counts go back into the tally.</summary>
    public async Task FlushAsync()
    {
        if (!redis.IsConnected)
        {
            return;
        }

        await FlushFollowerEventsAsync();
        if (_pending.IsEmpty)
        {
            return;
        }

        // In chunks: a flush with 100,000 rules carries thousands of counters a second, and one list and
        // one argument array for all of them lands on the large object heap every second, which grew
        // the process by tens of MB under load. A chunk's arrays stay below the LOH threshold.
        var rounds = (Volatile.Read(ref _pendingKeys) / FlushChunk) + 1;
        for (var round = 0; round < rounds; round++)
        {
            var batch = Take(FlushChunk);
            if (batch.Count == 0)
            {
                break;
            }

            if (!await WriteAsync(batch))
            {
                // Redis failed part of it (those counts are back in the tally): try again next flush.
                break;
            }
        }
    }

    /// <summary>At most this many counters per round of a flush (their list and arguments stay under 85 kB).</summary>
    private const int FlushChunk = 1_000;

    private async Task<bool> WriteAsync(List<(Counter Counter, long Count)> batch)
    {
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
            return true;
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

            return false;
        }
    }

    /// <summary>Writes follows and unfollows with their follower, in order; on failure they wait for the next flush, still in order.</summary>
    private async Task FlushFollowerEventsAsync()
    {
        var batch = new List<FollowerEvent>();
        while (batch.Count < 10_000 && _followerEvents.TryDequeue(out var item))
        {
            batch.Add(item);
        }

        var db = redis.GetDatabase();
        foreach (var group in batch.GroupBy(e => e.Account, StringComparer.Ordinal))
        {
            RedisValue[] args =
            [
                RedisKeys.AccountPrefix(group.Key), (long)Retention.TotalSeconds,
                .. group.SelectMany(e => new RedisValue[] { e.Kind.ToString(), e.Follower, e.Scene, e.At, e.Day }),
            ];
            try
            {
                await db.ScriptEvaluateAsync(FollowerEventsScript, [RedisKeys.FollowEvents(group.Key, group.First().Day)], args);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Rare (Redis went away mid-flush): put them back; order against newer events is lost only then.
                foreach (var item in group)
                {
                    _followerEvents.Enqueue(item);
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
        var scans = db.HashGetAllAsync(RedisKeys.Scans(account, key));
        var menu = db.HashGetAllAsync(RedisKeys.MenuClicks(account, key));
        var sceneUnfollows = db.HashGetAllAsync(RedisKeys.SceneUnfollows(account, key));
        var left = db.HashGetAllAsync(RedisKeys.SceneLeft(account, key));
        var flows = db.HashGetAllAsync(RedisKeys.FlowEvents(account, key));
        await Task.WhenAll(rules, events, scenes, unanswered, scans, menu, sceneUnfollows, left, flows);

        var eventCounts = ToDictionary(events.Result);
        return new DailyStats(
            day,
            ToDictionary(rules.Result),
            eventCounts.GetValueOrDefault("follow"),
            eventCounts.GetValueOrDefault("unfollow"),
            ToDictionary(scenes.Result),
            [.. unanswered.Result.Select(e => new KeyValuePair<string, long>(e.Element!, (long)e.Score))])
        {
            Scans = ToDictionary(scans.Result),
            MenuClicks = ToDictionary(menu.Result),
            SceneUnfollows = ToDictionary(sceneUnfollows.Result),
            SceneLeft = ToDictionary(left.Result),
            FlowEvents = ToDictionary(flows.Result),
            Messages = eventCounts.GetValueOrDefault("message"),
            UnansweredTotal = eventCounts.GetValueOrDefault("unanswered"),
        };
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> pending counts with a compare-and-swap per counter, so an
    /// increment racing with the flush lands either in this batch or in the next one, never nowhere.
    /// </summary>
    private List<(Counter Counter, long Count)> Take(int max)
    {
        var taken = new List<(Counter, long)>(Math.Min(max, Volatile.Read(ref _pendingKeys)));
        foreach (var (counter, _) in _pending)
        {
            if (taken.Count == max)
            {
                break;
            }

            while (_pending.TryGetValue(counter, out var count) && count != 0)
            {
                if (_pending.TryUpdate(counter, 0, count))
                {
                    taken.Add((counter, count));
                    break;
                }
            }

            if (_pending.TryRemove(new KeyValuePair<Counter, long>(counter, 0)))
            {
                Interlocked.Decrement(ref _pendingKeys);
            }
        }

        return taken;
    }

    private void Add(Kind kind, string account, string field) => Add(new Counter(kind, account, _calendar.Today(), field), 1);

    private void Add(Counter counter, long count)
    {
        while (true)
        {
            if (_pending.TryGetValue(counter, out var n))
            {
                if (_pending.TryUpdate(counter, n + count, n))
                {
                    return;
                }

                // Changed or taken by a flush meanwhile: look again.
                continue;
            }

            if (Volatile.Read(ref _pendingKeys) >= MaxPending)
            {
                return;
            }

            if (_pending.TryAdd(counter, count))
            {
                Interlocked.Increment(ref _pendingKeys);
                return;
            }
        }
    }

    private static Dictionary<string, long> ToDictionary(HashEntry[] entries) =>
        entries.ToDictionary(e => (string)e.Name!, e => (long)e.Value, StringComparer.Ordinal);
}
