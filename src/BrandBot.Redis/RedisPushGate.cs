using BrandBot.Delivery;
using BrandBot.Delivery.Dedup;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// The push gate shared by every instance: one script call per push finds an earlier attempt (its
/// answer, in-flight mark or compact record) or marks this one in flight (SET NX with a lease), or
/// stores its ready answer. When Redis is unreachable or slow the process falls back to its own
/// memory, so a push is still answered within the budget; de-duplication across instances resumes
/// when Redis is back.
/// </summary>
public sealed class RedisPushGate(IConnectionMultiplexer redis, InMemoryPushGate local, TimeProvider time, IDeliveryObserver observer) : IPushGate
{
    private const string GateOperation = "push_gate";
    private const string WaitOperation = "push_wait";
    private const string RememberOperation = "push_remember";

    /// <summary>The operations whose failures are reported to <see cref="IDeliveryObserver.StoreUnavailable"/>.</summary>
    public static readonly IReadOnlyList<string> Operations = [GateOperation, WaitOperation, RememberOperation, RedisPushLedger.Operation, RedisRateWindows.Operation];

    /// <summary>A request-path Redis call slower than this is abandoned for the local gate.</summary>
    public static readonly TimeSpan CallBound = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(20);

    // KEYS: push mark, the push's compact-record bucket.
    // ARGV: lease ms, the answer when ready ('' = mark in flight), keep ms, the push's field in the bucket.
    // Returns {0, existing value} for a repeat, {3, compact record} for a repeat answered without waiting, {1} for a first attempt.
    private const string EnterScript = """
        local existing = redis.call('GET', KEYS[1])
        if existing then return {0, existing} end
        local compact = redis.call('HGET', KEYS[2], ARGV[4])
        if compact then return {3, compact} end
        if ARGV[2] == '' then
          redis.call('SET', KEYS[1], 'P', 'PX', ARGV[1])
        else
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        end
        return {1}
        """;

    public async ValueTask<GateVerdict> EnterAsync(PushTicket ticket, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return await local.EnterAsync(ticket, cancellationToken);
        }

        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                EnterScript,
                [RedisKeys.Push(ticket.Account, ticket.PushKey), RedisKeys.PushRecords(ticket.Account, ticket.PushKey, ticket.PushCreateTime)],
                [
                    (long)ticket.Lease.TotalMilliseconds, ticket.Answer?.Encode() ?? [], (long)ticket.Keep.TotalMilliseconds,
                    RedisKeys.PushRecordField(ticket.PushKey),
                ]).WaitAsync(CallBound, time, cancellationToken))!;
            return (long)result[0] switch
            {
                1 => GateVerdict.First,
                3 when CompactAnswer.Decode((byte[]?)result[1]) is { } compact => GateVerdict.Replay(compact),
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
