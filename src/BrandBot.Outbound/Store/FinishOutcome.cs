namespace BrandBot.Outbound.Store;

public enum FinishOutcome
{
    /// <summary>The message moved to delivered or failed.</summary>
    Applied,

    /// <summary>It had already moved (a second event, or one for a message already failed).</summary>
    Repeated,

    /// <summary>No message has this MsgID yet (the event came before the send's answer): kept until it does.</summary>
    Pending,
}
