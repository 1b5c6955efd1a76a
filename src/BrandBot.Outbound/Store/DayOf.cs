namespace BrandBot.Outbound.Store;

/// <summary>Which day a moment counts for, at the statistics' UTC offset (the same days as the rest of the dashboard).</summary>
public static class DayOf
{
    public static DateOnly Of(DateTimeOffset moment, TimeSpan offset) => DateOnly.FromDateTime(moment.ToOffset(offset).DateTime);

    /// <summary>The counter a status adds to on the day it is reached (null: not counted).</summary>
    public static string? Counter(string status) => status switch
    {
        Messages.MessageStatus.Queued => "queued",
        Messages.MessageStatus.Sent => "sent",
        Messages.MessageStatus.Delivered => "delivered",
        Messages.MessageStatus.Failed => "failed",
        Messages.MessageStatus.Unknown => "unknown",
        _ => null,
    };
}
