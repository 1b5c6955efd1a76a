namespace BrandBot.Outbound.Messages;

/// <summary>
/// Where a message is (docs/outbound-messages.md#statuses). <c>sent</c> means WeChat accepted it;
/// <c>delivered</c> only follows for templates (TEMPLATESENDJOBFINISH <c>success</c>); <c>unknown</c> is a
/// call that may have gone out and would risk a second message if repeated — an operator decides.
/// </summary>
public static class MessageStatus
{
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<string> All = [Queued, Sending, Sent, Delivered, Failed, Unknown];

    public static bool IsFinal(string status) => status is Sent or Delivered or Failed or Unknown;

    /// <summary>Where a sent template goes on TEMPLATESENDJOBFINISH: <c>success</c> delivered, any other Status failed.</summary>
    public static string AfterJobFinish(string jobStatus) => jobStatus == "success" ? Delivered : Failed;
}
