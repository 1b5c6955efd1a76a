using System.Threading.Channels;
using BrandBot.Delivery;
using BrandBot.Delivery.Dedup;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// Writes the records of pushes answered without waiting, behind their answers: whatever queued while
/// the previous write was on the wire goes out in one script call per account, which stores each
/// record only when no attempt of that push is stored yet and says which ones it stored. When Redis is
/// unreachable (or slower than <see cref="RedisPushGate.CallBound"/>) the process's own gate decides,
/// so side effects still run once per instance.
/// </summary>
public sealed class RedisPushLedger : IPushLedger, IAsyncDisposable
{
    public const string Operation = "push_record";

    /// <summary>At most this many records per script call: a long backlog is written in several.</summary>
    private const int MaxBatch = 512;

    // KEYS: per push, its record bucket and its gate key (an attempt that went through the gate).
    // ARGV: per push, the bucket field, the compact record, how long it must live (s; relative, so the clocks of
    //       Redis and the instance need not agree). A bucket lives as long as its longest-lived record.
    // Returns per push 1 when this record was stored first, 0 when an attempt was already known.
    private const string WriteScript = """
        local out = {}
        for i = 1, #KEYS / 2 do
          local bucket, gated = KEYS[2 * i - 1], KEYS[2 * i]
          if redis.call('EXISTS', gated) == 0 and redis.call('HSETNX', bucket, ARGV[3 * i - 2], ARGV[3 * i - 1]) == 1 then
            redis.call('EXPIRE', bucket, ARGV[3 * i], 'NX')
            redis.call('EXPIRE', bucket, ARGV[3 * i], 'GT')
            out[i] = 1
          else
            out[i] = 0
          end
        end
        return out
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly InMemoryPushGate _local;
    private readonly TimeProvider _time;
    private readonly IDeliveryObserver _observer;
    private readonly TimeSpan _linger;
    private readonly Channel<PendingPush> _queue = Channel.CreateUnbounded<PendingPush>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly RecentSlowest _writeTimes;
    private long _unsettled;

    /// <param name="linger">How long a batch gathers before it is written (0: as soon as the previous write is done).</param>
    public RedisPushLedger(IConnectionMultiplexer redis, InMemoryPushGate local, TimeProvider time, IDeliveryObserver observer, TimeSpan linger)
    {
        _redis = redis;
        _local = local;
        _time = time;
        _observer = observer;
        _linger = linger;
        _writeTimes = new RecentSlowest(time);
        _writer = Task.Run(WriteLoopAsync);
    }

    public RememberedAnswer? Write(PendingPush push)
    {
        Interlocked.Increment(ref _unsettled);
        if (!_queue.Writer.TryWrite(push))
        {
            // Shutting down: decide here rather than drop the push's side effects.
            Settle(push, _local.TryRecord(push, _time.GetUtcNow()) is null);
        }

        // Who was first is known only once the record is written: the answer stands either way.
        return null;
    }

    /// <summary>Added to the recent writes' time: a scheduling hiccup on the writing instance or another.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// A record queued while the write before it is on the wire lands after that write and its own: twice
    /// the gathering and twice the slowest recent write (never more than the write's bound), plus a margin.
    /// Other instances write to the same Redis, so this instance's recent writes stand for theirs.
    /// </summary>
    public TimeSpan WriteBound
    {
        get
        {
            var write = _writeTimes.Slowest;
            return (2 * _linger) + (2 * (write < RedisPushGate.CallBound ? write : RedisPushGate.CallBound)) + Margin;
        }
    }

    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        while (Interlocked.Read(ref _unsettled) > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2), _time, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingPush>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            if (_linger > TimeSpan.Zero)
            {
                await Task.Delay(_linger, _time);
            }

            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var push))
            {
                batch.Add(push);
            }

            foreach (var byAccount in batch.GroupBy(p => p.Account, StringComparer.Ordinal))
            {
                await WriteAsync(byAccount.Key, [.. byAccount]);
            }

            batch.Clear();
        }
    }

    private async Task WriteAsync(string account, IReadOnlyList<PendingPush> pushes)
    {
        var started = _time.GetTimestamp();
        var stored = _redis.IsConnected ? await StoreAsync(account, pushes) : null;
        _writeTimes.Report(_time.GetElapsedTime(started));
        for (var i = 0; i < pushes.Count; i++)
        {
            Settle(pushes[i], stored is null ? _local.TryRecord(pushes[i], _time.GetUtcNow()) is null : stored[i]);
        }
    }

    private async Task<bool[]?> StoreAsync(string account, IReadOnlyList<PendingPush> pushes)
    {
        var now = _time.GetUtcNow();
        var keys = new RedisKey[pushes.Count * 2];
        var values = new RedisValue[pushes.Count * 3];
        for (var i = 0; i < pushes.Count; i++)
        {
            var push = pushes[i];
            keys[2 * i] = RedisKeys.PushRecords(account, push.PushKey, push.PushCreateTime);
            keys[(2 * i) + 1] = RedisKeys.Push(account, push.PushKey);
            values[3 * i] = RedisKeys.PushRecordField(push.PushKey);
            values[(3 * i) + 1] = push.Compact.Encode();
            values[(3 * i) + 2] = Math.Max(1, (long)Math.Ceiling((push.KeepUntil - now).TotalSeconds));
        }

        try
        {
            var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(WriteScript, keys, values).WaitAsync(RedisPushGate.CallBound, _time))!;
            return [.. result.Select(r => (long)r == 1)];
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _observer.StoreUnavailable(Operation);
            return null;
        }
    }

    private void Settle(PendingPush push, bool first)
    {
        try
        {
            push.Settled(first);
        }
        catch (Exception)
        {
            // A side effect's failure is its own to report; the ledger goes on with the next push.
        }
        finally
        {
            Interlocked.Decrement(ref _unsettled);
        }
    }
}
