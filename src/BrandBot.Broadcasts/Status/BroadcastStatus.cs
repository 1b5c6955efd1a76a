namespace BrandBot.Broadcasts.Status;

/// <summary>
/// One broadcast as <c>broadcast status</c>, its JSON and the dashboard show it. WeChat's counts are
/// summed over the batches' job-finish events and are null while any is missing (or came from mass/get,
/// which has no counts). Rates are fractions (0.0012 = 0.12 %).
/// </summary>
public sealed record BroadcastStatus(
    string Id,
    string State,
    string Summary,
    string Audience,
    DateTimeOffset DueAt,
    DateTimeOffset? SentAt,
    int? Recipients,
    int Excluded,
    int? Total,
    int? Filtered,
    int? Sent,
    int? Errors,
    long Unfollows24h,
    long Unfollows7d,
    double? UnfollowRate7d,
    double? BaselineDailyUnfollowRate,
    string? Note,
    string By,
    IReadOnlyList<BatchStatus> Batches);

public sealed record BatchStatus(int Index, string ClientMsgId, string State, int Size, int Attempts, string? MsgId, bool Adopted, string? Result, DateTimeOffset? RetryAt, string? Error);
