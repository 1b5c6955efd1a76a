using BrandBot.Delivery;
using BrandBot.Delivery.Limits;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>The rate windows shared by every instance: one script call adds an instance's counts and reads the totals back.</summary>
public sealed class RedisRateWindows(IConnectionMultiplexer redis, TimeProvider time, IDeliveryObserver observer) : IRateWindowStore
{
    public const string Operation = "rate_sync";

    // KEYS: the counters, then the hot-follower sets of this follower window and the one before.
    // ARGV: the hot sets' lifetime (s), then per counter: delta, lifetime (s), hot-from total (0 = never), follower.
    // Returns {totals, hot followers now, hot followers before}.
    private const string SyncScript = """
        local n = #KEYS - 2
        local totals = {}
        for i = 1, n do
          local b = 1 + (i - 1) * 4
          local total = redis.call('INCRBY', KEYS[i], ARGV[b + 1])
          redis.call('EXPIRE', KEYS[i], ARGV[b + 2], 'NX')
          local hot = tonumber(ARGV[b + 3])
          if hot > 0 and total >= hot then
            redis.call('SADD', KEYS[n + 1], ARGV[b + 4])
            redis.call('EXPIRE', KEYS[n + 1], ARGV[1], 'NX')
          end
          totals[i] = total
        end
        return {totals, redis.call('SMEMBERS', KEYS[n + 1]), redis.call('SMEMBERS', KEYS[n + 2])}
        """;

    public async Task<RateSync> SyncAsync(string account, IReadOnlyList<WindowDelta> deltas, long followerWindow, int followerWindowSeconds, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[deltas.Count + 2];
        var values = new RedisValue[1 + (deltas.Count * 4)];
        values[0] = 2 * Math.Max(1, followerWindowSeconds);
        for (var i = 0; i < deltas.Count; i++)
        {
            var delta = deltas[i];
            keys[i] = delta.Follower is null ? RedisKeys.AccountWindow(account, delta.Window) : RedisKeys.FollowerWindow(account, delta.Follower, delta.Window);
            values[1 + (i * 4)] = delta.Delta;
            values[2 + (i * 4)] = Math.Max(1, delta.Seconds);
            values[3 + (i * 4)] = delta.HotFrom;
            values[4 + (i * 4)] = delta.Follower ?? "";
        }

        keys[deltas.Count] = RedisKeys.HotFollowers(account, followerWindow);
        keys[deltas.Count + 1] = RedisKeys.HotFollowers(account, followerWindow - 1);
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(SyncScript, keys, values)
                .WaitAsync(RedisPushGate.CallBound, time, cancellationToken))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The limiter keeps the counts and sends them next time; the failure is counted like any other.
            observer.StoreUnavailable(Operation);
            throw;
        }

        var totals = ((RedisResult[])result[0]!).Select(t => (long)t).ToList();
        var hot = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in ((RedisResult[])result[1]!).Concat((RedisResult[])result[2]!))
        {
            hot.Add((string)member!);
        }

        return new RateSync(totals, hot);
    }
}
