using BrandBot.Broadcasts.Store;

namespace BrandBot.Broadcasts.Results;

/// <summary>
/// Writes what <see cref="BroadcastEvents"/> queued: a job's result once per MsgID, and each unfollow
/// counted against the latest broadcast that reached that follower within 7 days — in its 24-hour window
/// too when it came within a day (docs/broadcasts.md#results-and-the-unfollow-cost).
/// </summary>
public sealed class BroadcastEventProcessor(IBroadcastStore store)
{
    public static readonly TimeSpan Day = TimeSpan.FromHours(24);

    public static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public async Task ProcessAsync(BroadcastEvent item, CancellationToken cancellationToken)
    {
        if (item.Finish is { } finish)
        {
            await store.RecordFinishAsync(item.Account, finish, cancellationToken);
            return;
        }

        var sent = await store.DeliveriesAsync(item.Account, [item.OpenId], item.At, cancellationToken);
        var latest = sent.GetValueOrDefault(item.OpenId)?.Where(d => d.At <= item.At && item.At - d.At <= Week).MaxBy(d => d.At);
        if (latest is not null)
        {
            await store.CountUnfollowAsync(item.Account, latest.Id, item.At - latest.At <= Day, cancellationToken);
        }
    }
}
