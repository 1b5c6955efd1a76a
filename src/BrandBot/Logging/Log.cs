
namespace BrandBot.Logging;

/// <summary>
/// Every log line BrandBot writes. Event ids: 1xxx protocol, 2xxx rules, 3xxx Redis, 4xxx outbound.
/// Never log message text, Token, keys, AppSecret or raw OpenIDs (followers appear as a keyed hash).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Warning, "Rejected {Method} for account {Account}: {Status} {Reason}")]
    public static partial void Rejected(ILogger logger, string method, string account, int status, string reason);




    [LoggerMessage(2001, LogLevel.Information, "Rules for account {Account}: version {Version} is live ({Rules} rules, {Keywords} keywords)")]
    public static partial void RulesLive(ILogger logger, string account, long version, int rules, int keywords);

    [LoggerMessage(2002, LogLevel.Warning, "Rules file {File} for account {Account} was not published: {Problem}")]
    public static partial void RulesRejected(ILogger logger, string file, string account, string problem);

    [LoggerMessage(2003, LogLevel.Information, "Rules file {File} changed; published version {Version} for account {Account}")]
    public static partial void RulesFilePublished(ILogger logger, string file, long version, string account);

    [LoggerMessage(2004, LogLevel.Error, "Could not activate rules for account {Account}; keeping the previous version")]
    public static partial void ActivationFailed(ILogger logger, string account, Exception exception);

    [LoggerMessage(2005, LogLevel.Warning, "Could not read rules file {File} for account {Account}: {Reason}")]
    public static partial void RulesFileUnreadable(ILogger logger, string file, string account, string reason);

    [LoggerMessage(3001, LogLevel.Warning, "Rule store unavailable ({Error}: {Reason}); answering with the live rules until it is back")]
    public static partial void StoreUnavailable(ILogger logger, string error, string reason);

    [LoggerMessage(3002, LogLevel.Information, "Rule store reachable again; catching up")]
    public static partial void StoreRecovered(ILogger logger);

    [LoggerMessage(2006, LogLevel.Warning, "Rule store had no rules for account {Account}; republished the live rules as version {Version}")]
    public static partial void RulesReseeded(ILogger logger, string account, long version);

    [LoggerMessage(1005, LogLevel.Warning, "{Count} more refused requests were not logged (at most 20 lines a second); see brandbot_pushes_total")]
    public static partial void RejectionsSuppressed(ILogger logger, int count);



    [LoggerMessage(4007, LogLevel.Warning, "Shutting down with push records still unwritten after the drain bound: their side effects ran here, a retry elsewhere may run them again")]
    public static partial void WriteBehindAbandoned(ILogger logger);

    [LoggerMessage(4003, LogLevel.Warning, "Access token for account {Account} not refreshed ({Outcome}): {Detail}; customer-service sends wait for it (repeats within a minute are only counted)")]
    public static partial void TokenRefreshFailed(ILogger logger, string account, string outcome, string detail);

    [LoggerMessage(4004, LogLevel.Warning, "A customer-service message for account {Account} was not sent ({Outcome}): {Detail} (repeats within a minute are only counted in brandbot_customer_service_sends_total)")]
    public static partial void CustomerServiceNotSent(ILogger logger, string account, string outcome, string detail);

    [LoggerMessage(4005, LogLevel.Warning, "Backend {Backend} keeps failing: its circuit is open for {Seconds} s, and its rules answer with their fallback replies")]
    public static partial void BackendCircuitOpened(ILogger logger, string backend, double seconds);

    [LoggerMessage(4006, LogLevel.Information, "Backend {Backend} answers again: its circuit is closed")]
    public static partial void BackendCircuitClosed(ILogger logger, string backend);

    [LoggerMessage(4201, LogLevel.Warning, "A broadcast result or unfollow for account {Account} cannot be written yet: {Reason}; it is kept, with those after it, and written when Redis answers again (check that Redis is reachable)")]
    public static partial void BroadcastEventNotRecorded(ILogger logger, string account, string reason);

    [LoggerMessage(4204, LogLevel.Warning, "A broadcast result or unfollow for account {Account} was let go after {Tries} failed writes; a job's result is still read from mass/get, an unfollow is not counted")]
    public static partial void BroadcastEventGivenUp(ILogger logger, string account, int tries);

    [LoggerMessage(4205, LogLevel.Warning, "{Count} broadcast results or unfollows were dropped: more than {Capacity} waited to be written (Redis away too long); their unfollows are not counted, job results are read from mass/get")]
    public static partial void BroadcastEventsDropped(ILogger logger, long count, int capacity);

    [LoggerMessage(4202, LogLevel.Warning, "Broadcasts paused: {Reason}; each broadcast keeps its state and sending resumes by itself when Redis and WeChat answer again (see `brandbot broadcast status`)")]
    public static partial void BroadcastsPaused(ILogger logger, string reason);

    [LoggerMessage(4203, LogLevel.Information, "Broadcasts resumed")]
    public static partial void BroadcastsResumed(ILogger logger);
}
