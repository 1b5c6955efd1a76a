using BrandBot.Broadcasts.Results;
using BrandBot.Broadcasts.Sending;

namespace BrandBot.Broadcasts.Store;

/// <summary>
/// Where broadcasts, their leases, results and the per-follower ledger live: Redis when configured
/// (shared by every instance and the operator verbs), else in this process.
/// </summary>
public interface IBroadcastStore
{
    Task<BroadcastRecord?> GetAsync(string account, string id, CancellationToken cancellationToken = default);

    /// <summary>Every broadcast of the account, newest first.</summary>
    Task<IReadOnlyList<BroadcastRecord>> ListAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Ids of broadcasts the scheduler must look at (scheduled, sending, awaiting results).</summary>
    Task<IReadOnlyList<string>> ActiveAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Stores a new broadcast; false when the id exists (nothing written).</summary>
    Task<bool> CreateAsync(BroadcastRecord record, IReadOnlyList<string>? openIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the broadcast's lease for <paramref name="hold"/> with a fencing number higher than any before,
    /// or null when another holder has it (docs/broadcasts.md#one-sender).
    /// </summary>
    Task<BroadcastLease?> AcquireAsync(string account, string id, string owner, TimeSpan hold, CancellationToken cancellationToken = default);

    /// <summary>Writes the record only while <paramref name="lease"/>'s fence is the latest; false when a later holder took over.</summary>
    Task<bool> SaveAsync(BroadcastRecord record, BroadcastLease lease, CancellationToken cancellationToken = default);

    Task ReleaseAsync(BroadcastLease lease, CancellationToken cancellationToken = default);

    /// <summary>The OpenIDs a named broadcast was given, or its resolved recipients (<paramref name="list"/> "audience" or "recipients").</summary>
    Task<IReadOnlyList<string>> GetListAsync(string account, string id, string list, CancellationToken cancellationToken = default);

    Task SetListAsync(string account, string id, string list, IReadOnlyList<string> openIds, CancellationToken cancellationToken = default);

    /// <summary>Remembers which broadcast a job belongs to.</summary>
    Task IndexJobAsync(string account, string msgId, string id, CancellationToken cancellationToken = default);

    Task<string?> BroadcastOfJobAsync(string account, string msgId, CancellationToken cancellationToken = default);

    /// <summary>Records a job's result once per MsgID; an event replaces a polled status, never the other way. True when written.</summary>
    Task<bool> RecordFinishAsync(string account, JobFinish finish, CancellationToken cancellationToken = default);

    Task<IReadOnlyDictionary<string, JobFinish>> FinishesAsync(string account, IEnumerable<string> msgIds, CancellationToken cancellationToken = default);

    /// <summary>Notes that these followers were sent broadcast <paramref name="id"/> at <paramref name="at"/> (kept 31 days).</summary>
    Task RecordDeliveriesAsync(string account, string id, IReadOnlyList<string> openIds, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>What each follower was sent in the 31 days before <paramref name="now"/>, newest last.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<SentBroadcast>>> DeliveriesAsync(string account, IReadOnlyList<string> openIds, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Counts one unfollow against a broadcast, in its 24-hour window or only in its 7-day one.</summary>
    Task CountUnfollowAsync(string account, string id, bool within24Hours, CancellationToken cancellationToken = default);

    Task<(long Day, long Week)> UnfollowsAsync(string account, string id, CancellationToken cancellationToken = default);

    /// <summary>Claims a preview (recipient and content); false when it was sent before.</summary>
    Task<bool> ClaimPreviewAsync(string account, string key, CancellationToken cancellationToken = default);

    /// <summary>Gives a failed claim back, so a preview WeChat refused can be tried again.</summary>
    Task ReleasePreviewAsync(string account, string key, CancellationToken cancellationToken = default);
}

/// <summary>A held lease: who holds it and its fencing number.</summary>
public sealed record BroadcastLease(string Account, string Id, string Owner, long Fence);

/// <summary>One broadcast a follower was sent.</summary>
public sealed record SentBroadcast(string Id, DateTimeOffset At);
