namespace BrandBot.Broadcasts.Results;

/// <summary>
/// A mass job's result: from the MASSSENDJOBFINISH event (counts known), or from mass/get when the
/// event never came (status only). WeChat's counts: TotalCount the audience, FilterCount those left
/// after its filters (refusals, the 4-a-month rule), SentCount and ErrorCount of those.
/// </summary>
public sealed record JobFinish(
    string MsgId,
    string Status,
    int? Total,
    int? Filter,
    int? Sent,
    int? Errors,
    string? CheckState,
    DateTimeOffset At,
    bool FromEvent);
