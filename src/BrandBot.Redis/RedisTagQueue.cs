using System.Collections.Concurrent;
using BrandBot.Account.Tagging;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// The tagging queue in Redis, shared by every instance: a sorted set of "tag\nOpenID" scored by when
/// each is due, a hash of attempts, and a set of (tag, follower) hashes already tagged. Enqueued
/// requests gather in the process and are written by <see cref="FlushAsync"/> (the stats flush's
/// rhythm), so the push that caused them never waits on Redis; until then a crash can lose them, the
/// same window as the statistics tally.
/// </summary>
public sealed class RedisTagQueue(IConnectionMultiplexer redis) : ITagQueue
{
    /// <summary>Requests held while Redis is away; beyond this, new ones are dropped (and counted by the caller's metrics as they would be).</summary>
    public const int MaxPending = 100_000;

    // KEYS: queue, done. ARGV: due ms, then member / done-hash pairs. Adds what is not done and not queued.
    private const string EnqueueScript = """
        for i = 2, #ARGV, 2 do
          if redis.call('SISMEMBER', KEYS[2], ARGV[i + 1]) == 0 then
            redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[i])
          end
        end
        return 1
        """;

    // KEYS: queue. ARGV: now ms, lease ms, max. Takes due members and pushes them past the lease.
    private const string ClaimScript = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        for _, member in ipairs(due) do
          redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[1]) + tonumber(ARGV[2]), member)
        end
        return due
        """;

    // KEYS: queue, attempts. ARGV: now ms, max delay s, then members. Returns each member's attempts.
    private const string RetryScript = """
        local counts = {}
        for i = 3, #ARGV do
          local n = redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
          local delay = math.min(tonumber(ARGV[2]), 2 ^ math.min(n, 20))
          redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[1]) + delay * 1000, ARGV[i])
          counts[#counts + 1] = n
        end
        return counts
        """;

    private readonly ConcurrentQueue<(string Account, TagRequest Request)> _pending = new();

    public void Enqueue(string account, TagRequest request)
    {
        if (_pending.Count < MaxPending)
        {
            _pending.Enqueue((account, request));
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.IsEmpty || !redis.IsConnected)
        {
            return;
        }

        var batch = new List<(string Account, TagRequest Request)>();
        while (batch.Count < 10_000 && _pending.TryDequeue(out var item))
        {
            batch.Add(item);
        }

        var db = redis.GetDatabase();
        foreach (var group in batch.GroupBy(b => b.Account, StringComparer.Ordinal))
        {
            RedisValue[] args = [0, .. group.SelectMany(g => new RedisValue[] { Member(g.Request), g.Request.DoneKey })];
            try
            {
                await db.ScriptEvaluateAsync(EnqueueScript, [RedisKeys.TagQueue(group.Key), RedisKeys.TagsDone(group.Key)], args);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                foreach (var item in group)
                {
                    _pending.Enqueue(item);
                }
            }
        }
    }

    public async Task<IReadOnlyList<TagRequest>> ClaimAsync(string account, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            ClaimScript, [RedisKeys.TagQueue(account)], [now.ToUnixTimeMilliseconds(), (long)lease.TotalMilliseconds, max]);
        return [.. ((RedisResult[])result!).Select(r => Parse((string)r!))];
    }

    public async Task CompleteAsync(string account, IReadOnlyList<TagRequest> requests, CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        var members = requests.Select(r => (RedisValue)Member(r)).ToArray();
        var transaction = db.CreateTransaction();
        _ = transaction.SetAddAsync(RedisKeys.TagsDone(account), [.. requests.Select(r => (RedisValue)r.DoneKey)]);
        _ = transaction.SortedSetRemoveAsync(RedisKeys.TagQueue(account), members);
        _ = transaction.HashDeleteAsync(RedisKeys.TagAttempts(account), members);
        await transaction.ExecuteAsync();
    }

    public async Task<IReadOnlyList<int>> RetryAsync(string account, IReadOnlyList<TagRequest> requests, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        RedisValue[] args = [now.ToUnixTimeMilliseconds(), TagBackoff.MaxDelaySeconds, .. requests.Select(r => (RedisValue)Member(r))];
        var result = await redis.GetDatabase().ScriptEvaluateAsync(RetryScript, [RedisKeys.TagQueue(account), RedisKeys.TagAttempts(account)], args);
        return [.. ((RedisResult[])result!).Select(r => (int)r)];
    }

    public async Task DropAsync(string account, IReadOnlyList<TagRequest> requests, CancellationToken cancellationToken = default)
    {
        var members = requests.Select(r => (RedisValue)Member(r)).ToArray();
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.SortedSetRemoveAsync(RedisKeys.TagQueue(account), members);
        _ = transaction.HashDeleteAsync(RedisKeys.TagAttempts(account), members);
        await transaction.ExecuteAsync();
    }

    public Task<long> CountAsync(string account, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().SortedSetLengthAsync(RedisKeys.TagQueue(account));

    private static string Member(TagRequest request) => $"{request.Tag}\n{request.OpenId}";

    private static TagRequest Parse(string member)
    {
        var split = member.IndexOf('\n', StringComparison.Ordinal);
        return new TagRequest(member[..split], member[(split + 1)..]);
    }
}
