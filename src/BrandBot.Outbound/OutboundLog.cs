using Microsoft.Extensions.Logging;

namespace BrandBot.Outbound;

/// <summary>
/// The outbound room's log lines (4100–4199). Messages appear by id and kind; never their text, the
/// API key or a raw OpenID.
/// </summary>
internal static partial class OutboundLog
{
    public const string Category = "BrandBot.Outbound";

    [LoggerMessage(4101, LogLevel.Information, "Message {Id} ({Account}, {Kind}) sent on attempt {Attempts}")]
    public static partial void Sent(ILogger logger, string id, string account, string kind, int attempts);

    [LoggerMessage(4102, LogLevel.Warning, "Message {Id} ({Account}, {Kind}) failed: {Error}")]
    public static partial void Failed(ILogger logger, string id, string account, string kind, string error);

    [LoggerMessage(4103, LogLevel.Warning, "Message {Id} ({Account}, {Kind}) is unknown: {Error}")]
    public static partial void Unknown(ILogger logger, string id, string account, string kind, string error);

    [LoggerMessage(4104, LogLevel.Information, "Message {Id} ({Account}, {Kind}) will be tried again in {Seconds:F1} s: {Reason}")]
    public static partial void Retrying(ILogger logger, string id, string account, string kind, double seconds, string reason);

    [LoggerMessage(4105, LogLevel.Warning, "Message {Id} ({Account}) was taken over by another sender; this one stops")]
    public static partial void LeaseLost(ILogger logger, string id, string account);

    [LoggerMessage(4106, LogLevel.Error, "The outbound sender for {Account} failed; trying again shortly")]
    public static partial void SenderFailed(ILogger logger, string account, Exception exception);

    [LoggerMessage(4107, LogLevel.Error, "An outbound ledger update for {Account} failed: {What}")]
    public static partial void LedgerFailed(ILogger logger, string account, string what, Exception exception);

    [LoggerMessage(4108, LogLevel.Warning, "Outbound messages are queued in this process's memory: messages not yet sent are lost when it stops. Set BrandBot:Redis to keep them (docs/outbound-messages.md#without-redis)")]
    public static partial void QueueInMemory(ILogger logger);

    [LoggerMessage(4109, LogLevel.Information, "TEMPLATESENDJOBFINISH for {Account}: message {Outcome}")]
    public static partial void JobFinished(ILogger logger, string account, string outcome);

    [LoggerMessage(4110, LogLevel.Warning, "The outbound ledger queue is full; a window or grant update for {Account} was dropped")]
    public static partial void LedgerFull(ILogger logger, string account);

    [LoggerMessage(4111, LogLevel.Warning, "No access token for {Account}, so its outbound messages stay queued and are tried again with back-off (1 s doubling, at most 5 min): {Reason}. Check the account's AppSecret (BrandBot:Accounts:N:AppSecret) and that WeChat's token endpoint (stable_token) is reachable and allows this server's IP. Logged once until a token is had again")]
    public static partial void TokenUnavailable(ILogger logger, string account, string reason);

    [LoggerMessage(4112, LogLevel.Information, "An access token for {Account} was had again after {Seconds:F0} s without one; its queued outbound messages are being sent")]
    public static partial void TokenAvailable(ILogger logger, string account, double seconds);
}
