namespace BrandBot.Outbound.Store;

/// <summary>Messages not yet finished (queued, sending or waiting to retry) and when the oldest was accepted.</summary>
public sealed record QueueState(long Depth, DateTimeOffset? OldestCreatedAt);
