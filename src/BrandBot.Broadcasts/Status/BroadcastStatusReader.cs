using BrandBot.Broadcasts.Sending;
using BrandBot.Broadcasts.Store;
using BrandBot.Rules.Stats;

namespace BrandBot.Broadcasts.Status;

/// <summary>
/// Builds <see cref="BroadcastStatus"/>: the record, its jobs' results, its attributed unfollows, and the
/// account's baseline — unfollows a day over the 30 days before the send, divided by the followers it
/// had then (the trade's daily unfollow rate; docs/broadcasts.md#results-and-the-unfollow-cost).
/// </summary>
public sealed class BroadcastStatusReader(IBroadcastStore store, IHitStats stats, BroadcastStatsOffset offset)
{
    public const int BaselineDays = 30;

    public async Task<IReadOnlyList<BroadcastStatus>> ListAsync(string account, CancellationToken cancellationToken = default)
    {
        var all = new List<BroadcastStatus>();
        foreach (var record in await store.ListAsync(account, cancellationToken))
        {
            all.Add(await ReadAsync(record, cancellationToken));
        }

        return all;
    }

    public async Task<BroadcastStatus?> GetAsync(string account, string id, CancellationToken cancellationToken = default) =>
        await store.GetAsync(account, id, cancellationToken) is { } record ? await ReadAsync(record, cancellationToken) : null;

    public async Task<BroadcastStatus> ReadAsync(BroadcastRecord record, CancellationToken cancellationToken)
    {
        var finishes = await store.FinishesAsync(record.Account, record.Batches.Where(b => b.MsgId is not null).Select(b => b.MsgId!), cancellationToken);
        var results = record.Batches.Select(b => b.MsgId is { } m ? finishes.GetValueOrDefault(m) : null).ToList();
        var counted = results.Count > 0 && results.All(r => r is { FromEvent: true });
        int? Sum(Func<Results.JobFinish, int?> count) => counted ? results.Sum(r => count(r!) ?? 0) : null;
        var (day, week) = await store.UnfollowsAsync(record.Account, record.Id, cancellationToken);
        double? rate = record.Recipients is > 0 ? (double)week / record.Recipients.Value : null;
        var batches = record.Batches.Select((b, i) => new BatchStatus(
            b.Index, b.ClientMsgId, b.State, b.Size, b.Attempts, b.MsgId, b.Adopted,
            results[i] is { } r ? (r.FromEvent ? r.Status : $"{r.Status} (from mass/get; counts unknown)") : b.PollStatus,
            b.RetryAt, b.Error)).ToList();
        var audience = record.AudienceName is null ? record.AudienceKind.ToLowerInvariant() : $"{record.AudienceKind.ToLowerInvariant()} {record.AudienceName}";
        return new BroadcastStatus(
            record.Id, record.State, record.Summary, audience, record.DueAt, record.SentAt, record.Recipients, record.Excluded,
            Sum(r => r.Total), Sum(r => r.Filter), Sum(r => r.Sent), Sum(r => r.Errors),
            day, week, rate, await BaselineAsync(record, cancellationToken), record.Note, record.By, batches);
    }

    private async Task<double?> BaselineAsync(BroadcastRecord record, CancellationToken cancellationToken)
    {
        if (record.SentAt is not { } sentAt || record.Followers is not > 0)
        {
            return null;
        }

        var firstDay = DateOnly.FromDateTime(sentAt.ToOffset(offset.Value).DateTime).AddDays(-BaselineDays);
        var reads = Enumerable.Range(0, BaselineDays).Select(i => stats.ReadAsync(record.Account, firstDay.AddDays(i), 0, cancellationToken));
        var unfollows = (await Task.WhenAll(reads)).Sum(d => d.Unfollows);
        return unfollows / (double)BaselineDays / record.Followers.Value;
    }
}

/// <summary>Where a statistics day begins (<c>BrandBot:StatsUtcOffsetHours</c>), for the baseline's days.</summary>
public sealed record BroadcastStatsOffset(TimeSpan Value);
