using BrandBot.Delivery;
using BrandBot.Delivery.Dedup;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// The push gate shared by every instance: one script call per push marks it in flight (SET NX
/// with a lease) and, for rule-triggering messages, counts the follower's and the account's
/// windows. When Redis is unreachable or slow the process falls back to its own memory, so a push
/// is still answered within the budget; de-duplication across instances resumes when Redis is back.
/// </summary>
public sealed class RedisPushGate(IConnectionMultiplexer redis, InMemoryPushGate local, TimeProvider time, IDeliveryObserver observer) : IPushGate
{
    private const string GateOperation = "push_gate";
    private const string WaitOperation = "push_wait";
    private const string RememberOperation = "push_remember";

    /// <summary>The operations whose failures are reported to <see cref="IDeliveryObserver.StoreUnavailable"/>.</summary>
    public static readonly IReadOnlyList<string> Operations = [GateOperation, WaitOperation, RememberOperation];

    /// <summary>A request-path Redis call slower than this is abandoned for the local gate.</summary>
    public static readonly TimeSpan CallBound = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(20);

    // KEYS: push mark, follower window, account window.
    // ARGV: lease ms, counted (1/0), follower limit, follower window s, account limit, account window s,
    //       the answer when ready ('' = mark in flight), keep ms.
    // Returns {0, existing value} for a repeat, {1} for a first attempt, {2, 'f'|'a'} when over a limit.
    private const string EnterScript = """
        local existing = redis.call('GET', KEYS[1])
        if existing then return {0, existing} end
        local limited = false
        if ARGV[2] == '1' then
          if tonumber(ARGV[3]) > 0 then
            local n = redis.call('INCR', KEYS[2])
            if n == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
            if n > tonumber(ARGV[3]) then limited = 'f' end
          end
          if not limited and tonumber(ARGV[5]) > 0 then
            local n = redis.call('INCR', KEYS[3])
            if n == 1 then redis.call('EXPIRE', KEYS[3], ARGV[6]) end
            if n > tonumber(ARGV[5]) then limited = 'a' end
          end
        end
        if ARGV[7] == '' then
          redis.call('SET', KEYS[1], 'P', 'PX', ARGV[1])
        elseif limited then
          redis.call('SET', KEYS[1], 'S', 'PX', ARGV[8])
        else
          redis.call('SET', KEYS[1], ARGV[7], 'PX', ARGV[8])
        end
        if limited then return {2, limited} end
        return {1}
        """;

    public async ValueTask<GateVerdict> EnterAsync(PushTicket ticket, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return await local.EnterAsync(ticket, cancellationToken);
        }

        var limits = ticket.Limits;
        var follower = ticket.Follower ?? "-";
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                EnterScript,
                [
                    RedisKeys.Push(ticket.Account, ticket.PushKey),
                    RedisKeys.FollowerWindow(ticket.Account, follower, RateLimits.Window(ticket.Now, limits.PerFollowerWindowSeconds)),
                    RedisKeys.AccountWindow(ticket.Account, RateLimits.Window(ticket.Now, limits.PerAccountWindowSeconds)),
                ],
                [
                    (long)ticket.Lease.TotalMilliseconds, ticket.Follower is null ? 0 : 1,
                    limits.PerFollower, Math.Max(1, limits.PerFollowerWindowSeconds),
                    limits.PerAccount, Math.Max(1, limits.PerAccountWindowSeconds),
                    ticket.Answer?.Encode() ?? [], (long)ticket.Keep.TotalMilliseconds,
                ]).WaitAsync(CallBound, time, cancellationToken))!;
            return (long)result[0] switch
            {
                1 => GateVerdict.First,
                2 => GateVerdict.Limited((string?)result[1] == "a" ? LimitScope.Account : LimitScope.Follower),
                _ => Existing((byte[]?)result[1]),
            };
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            observer.StoreUnavailable(GateOperation);
            return await local.EnterAsync(ticket, cancellationToken);
        }
    }

    public async ValueTask<GateVerdict> WaitAsync(string account, string pushKey, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return await local.WaitAsync(account, pushKey, timeout, cancellationToken);
        }

        var until = time.GetUtcNow() + timeout;
        var key = RedisKeys.Push(account, pushKey);
        try
        {
            while (true)
            {
                var value = (byte[]?)await redis.GetDatabase().StringGetAsync(key).WaitAsync(CallBound, time, cancellationToken);
                if (value is null)
                {
                    return GateVerdict.Vacant;
                }

                var verdict = Existing(value);
                if (verdict.Outcome != GateOutcome.InFlight || time.GetUtcNow() >= until)
                {
                    return verdict;
                }

                await Task.Delay(PollEvery, time, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            observer.StoreUnavailable(WaitOperation);
            return GateVerdict.InFlight;
        }
    }

    public void Remember(string account, string pushKey, RememberedAnswer answer, TimeSpan keep)
    {
        if (!redis.IsConnected)
        {
            local.Remember(account, pushKey, answer, keep);
            return;
        }

        try
        {
            // Not awaited: the follower's answer does not wait for the bookkeeping. Commands on one
            // connection run in order, so this lands before any later read from this instance.
            redis.GetDatabase().StringSet(RedisKeys.Push(account, pushKey), answer.Encode(), keep, flags: CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            observer.StoreUnavailable(RememberOperation);
            local.Remember(account, pushKey, answer, keep);
        }
    }

    /// <summary>A stored value: a remembered answer, or (the in-flight mark 'P' decodes to none) still in flight.</summary>
    private static GateVerdict Existing(byte[]? value) =>
        RememberedAnswer.Decode(value) is { } answer ? GateVerdict.Replay(answer) : GateVerdict.InFlight;
}
