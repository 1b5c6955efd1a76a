using System.Threading.Channels;
using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;

namespace BrandBot.Broadcasts.Results;

/// <summary>What a push tells broadcasts: a job finished, or a follower left.</summary>
public sealed record BroadcastEvent(string Account, string OpenId, DateTimeOffset At, JobFinish? Finish);

/// <summary>
/// Learns of MASSSENDJOBFINISH and unsubscribe pushes once each (the attempt that counts) and queues them;
/// <see cref="BroadcastEventProcessor"/> writes them off the request path. Job-finish events come in
/// floods, so nothing here waits.
/// </summary>
public sealed class BroadcastEvents : IPushEffect
{
    /// <summary>Events held while they cannot be written (Redis away); past this the oldest go, counted in <see cref="Dropped"/>.</summary>
    public const int Capacity = 100_000;

    private readonly TimeProvider time;

    private readonly Channel<BroadcastEvent> _queue;

    private long _dropped;

    public BroadcastEvents(TimeProvider time)
    {
        this.time = time;
        _queue = Channel.CreateBounded<BroadcastEvent>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelReader<BroadcastEvent> Reader => _queue.Reader;

    /// <summary>How many events were pushed out of a full queue since start: their unfollows are never counted.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Apply(WeChatAccount account, InboundMessage message)
    {
        var now = time.GetUtcNow();
        switch (message)
        {
            case JobFinishedEvent { IsMassSend: true } job when job.MsgID.Length > 0:
                var check = job.Fields["CopyrightCheckResult/CheckState"];
                _queue.Writer.TryWrite(new BroadcastEvent(account.Name, "", now, new JobFinish(
                    job.MsgID, job.Status, job.TotalCount, job.FilterCount, job.SentCount, job.ErrorCount, check, now, FromEvent: true)));
                break;
            case UnsubscribeEvent:
                // WeChat's own time of the unfollow: this effect may run a moment later (after the push's record is written).
                var at = message.CreateTime > 0 ? DateTimeOffset.FromUnixTimeSeconds(message.CreateTime) : now;
                _queue.Writer.TryWrite(new BroadcastEvent(account.Name, message.FromUserName, at, null));
                break;
        }
    }
}
