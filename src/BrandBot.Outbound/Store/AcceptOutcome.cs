namespace BrandBot.Outbound.Store;

public enum AcceptOutcome
{
    /// <summary>Queued now under this key.</summary>
    Accepted,

    /// <summary>The key was used before with the same body: the first message's id, nothing queued.</summary>
    Replayed,

    /// <summary>The key was used before with a different body.</summary>
    Conflict,

    /// <summary>The follower's customer-service window is closed or used up; nothing stored, the key stays free.</summary>
    WindowClosed,

    /// <summary>No unused subscription grant for this follower and template; nothing stored, the key stays free.</summary>
    NoGrant,
}

/// <param name="Id">The message's id (the first one's for a replay or conflict); null when refused.</param>
public sealed record AcceptResult(AcceptOutcome Outcome, string? Id);
