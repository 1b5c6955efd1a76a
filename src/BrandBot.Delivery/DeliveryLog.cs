using Microsoft.Extensions.Logging;

namespace BrandBot.Delivery;

/// <summary>
/// The push path's log lines. Event ids follow the host's scheme (1xxx protocol, 4xxx outbound, 5xxx
/// start-up); categories keep the names operators filter on (docs/configuration.md, "Logging").
/// Never message text, tokens, keys or raw OpenIDs: followers appear as a keyed hash.
/// </summary>
internal static partial class DeliveryLog
{
    /// <summary>The category of the push's own lines (answers, failures, URL checks).</summary>
    public const string PushCategory = "BrandBot.Webhook.PushProcessor";

    public const string FollowUpsCategory = "BrandBot.Delivery.FollowUps";

    public const string WarmUpCategory = "BrandBot.WarmUp.PushPathWarmUp";

    [LoggerMessage(1002, LogLevel.Debug, "Push {Account} {MsgType}/{Event} from {Follower}: {How} -> {Answer}")]
    public static partial void Answered(ILogger logger, string account, string msgType, string @event, string follower, string how, string answer);

    [LoggerMessage(1003, LogLevel.Error, "Push for account {Account} failed unexpectedly; answered success")]
    public static partial void PushFailed(ILogger logger, string account, Exception exception);

    [LoggerMessage(1004, LogLevel.Information, "URL verification for account {Account} succeeded")]
    public static partial void Verified(ILogger logger, string account);

    [LoggerMessage(1006, LogLevel.Error, "Push effect {Effect} failed for account {Account}; the follower was answered")]
    public static partial void PushEffectFailed(ILogger logger, string effect, string account, Exception exception);

    [LoggerMessage(4001, LogLevel.Error, "A follow-up delivery for account {Account} failed unexpectedly")]
    public static partial void FollowUpFailed(ILogger logger, string account, Exception exception);

    [LoggerMessage(4002, LogLevel.Warning, "Shutting down with {Count} follow-up deliveries unfinished after the drain bound")]
    public static partial void FollowUpsAbandoned(ILogger logger, int count);

    [LoggerMessage(5001, LogLevel.Information, "Warmed up: {Rehearsed} synthetic pushes rehearsed in {Milliseconds} ms before listening")]
    public static partial void WarmedUp(ILogger logger, int rehearsed, long milliseconds);

    [LoggerMessage(5002, LogLevel.Error, "The start-up warm-up failed and was cut short; serving anyway")]
    public static partial void RehearsalFailed(ILogger logger, Exception exception);
}
