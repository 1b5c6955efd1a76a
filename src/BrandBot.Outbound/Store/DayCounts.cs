namespace BrandBot.Outbound.Store;

/// <summary>One day's messages by what happened to them (the dashboard's chart and table).</summary>
public sealed record DayCounts(DateOnly Day, long Queued, long Sent, long Delivered, long Failed, long Unknown);
