using BrandBot.Delivery;
using BrandBot.Delivery.Flows;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// Flow states in Redis, shared by every instance. A commit is one script: the push's stored answer is
/// checked first (a retry replays it), the state's revision compared, the state written or deleted with
/// its life, the answer stored, the follower marked active and announced — all or nothing, so a crash
/// leaves either no trace of the push or all of it (docs/flows-design.md §4.7, property 3).
/// </summary>
public sealed class RedisFlowStore(IConnectionMultiplexer redis, FlowFollowers followers, TimeProvider time) : IFlowStore
{
    // KEYS: state, answer, active. ARGV: expected rev, state JSON ('' = delete), state ms, answer, answer ms,
    // replace mark (1/0), follower, active until ms, now ms, announcement.
    private const string CommitScript = """
        local stored = redis.call('GET', KEYS[2])
        if stored and not (ARGV[6] == '1' and stored == 'P') then
          return {'answered', stored}
        end
        local current = redis.call('GET', KEYS[1])
        local rev = 0
        if current then rev = tonumber(string.match(current, '^{"rev":(%d+)')) or 0 end
        if rev ~= tonumber(ARGV[1]) then return {'conflict'} end
        if ARGV[2] == '' then
          redis.call('DEL', KEYS[1])
        else
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        end
        redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5])
        redis.call('ZADD', KEYS[3], 'GT', ARGV[8], ARGV[7])
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[9])
        redis.call('PEXPIRE', KEYS[3], 172800000)
        redis.call('PUBLISH', 'brandbot:flows:active', ARGV[10])
        return {'ok'}
        """;

    /// <summary>Reads of the store: tests check that followers in no flow cost none.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    private long _reads;

    public async Task<FlowRead> ReadAsync(string account, string follower, string pushKey, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        try
        {
            var values = await redis.GetDatabase().StringGetAsync([RedisKeys.FlowState(account, follower), RedisKeys.FlowAnswer(account, pushKey)]);
            return new FlowRead(FlowState.FromJson(values[0]), values[1].IsNull ? null : (byte[])values[1]!);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new StoreUnavailableException("flow_read", ex);
        }
    }

    public async Task<CommitResult> CommitAsync(
        string account, string follower, string pushKey, long expectedRev, FlowState? state, TimeSpan stateLife,
        byte[] answer, TimeSpan answerLife, bool replaceMark, long activeUntil, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        RedisResult[] result;
        try
        {
            result = await CommitScriptAsync(account, follower, pushKey, expectedRev, state, stateLife, answer, answerLife, replaceMark, activeUntil, now);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new StoreUnavailableException("flow_commit", ex);
        }

        switch ((string)result[0]!)
        {
            case "answered":
                return new CommitResult(CommitOutcome.Answered, (byte[])result[1]!);
            case "conflict":
                return new CommitResult(CommitOutcome.Conflict);
            default:
                followers.Mark(account, follower, activeUntil);
                return new CommitResult(CommitOutcome.Committed);
        }
    }

    private async Task<RedisResult[]> CommitScriptAsync(
        string account, string follower, string pushKey, long expectedRev, FlowState? state, TimeSpan stateLife,
        byte[] answer, TimeSpan answerLife, bool replaceMark, long activeUntil, long now) =>
        (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            CommitScript,
            [RedisKeys.FlowState(account, follower), RedisKeys.FlowAnswer(account, pushKey), RedisKeys.FlowActive(account)],
            [
                expectedRev, state?.ToJson() ?? "", (long)stateLife.TotalMilliseconds, answer, (long)answerLife.TotalMilliseconds,
                replaceMark ? 1 : 0, follower, activeUntil, now, $"{account}\n{follower}\n{activeUntil}",
            ]))!;

    /// <summary>Hears the other instances' commits, and loads who is active now (at start and on every catch-up).</summary>
    public async Task ListenAsync(IEnumerable<string> accounts)
    {
        await redis.GetSubscriber().SubscribeAsync(RedisKeys.FlowsChanged, (_, message) =>
        {
            var parts = ((string?)message ?? "").Split('\n');
            if (parts.Length == 3 && long.TryParse(parts[2], out var until))
            {
                followers.Mark(parts[0], parts[1], until);
            }
        });
        await ReloadAsync(accounts);
    }

    public async Task ReloadAsync(IEnumerable<string> accounts)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var db = redis.GetDatabase();
        foreach (var account in accounts)
        {
            foreach (var entry in await db.SortedSetRangeByScoreWithScoresAsync(RedisKeys.FlowActive(account), now, double.PositiveInfinity))
            {
                followers.Mark(account, (string)entry.Element!, (long)entry.Score);
            }
        }
    }
}
