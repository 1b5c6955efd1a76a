using System.Collections.Concurrent;
using BrandBot.Delivery;
using BrandBot.Delivery.Pipeline;
using BrandBot.Logging;
using BrandBot.WeChatApi;

namespace BrandBot.Metrics;

/// <summary>
/// Counts what the delivery side reports in the metrics and tells the operator about failures in the
/// log: a token WeChat refused (with its errcode and errmsg, e.g. an IP missing from the whitelist),
/// a customer-service send that did not go out and why, a backend's circuit opening and closing.
/// The same problem is logged at most once a minute per account; the metrics count every one.
/// </summary>
public sealed class DeliveryEvents(BrandBotMetrics metrics, TimeProvider time, ILoggerFactory logs) : IDeliveryObserver, IWeChatApiObserver
{
    private readonly ILogger logger = logs.CreateLogger(LogCategories.DeliveryEvents);

    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Kind, string Account, string Outcome), long> _lastLogged = new();

    public void TokenRefreshed(string account, string outcome, string? detail = null)
    {
        metrics.TokenRefresh(account, outcome);
        if (outcome != "ok" && Due("token", account, outcome))
        {
            Log.TokenRefreshFailed(logger, account, outcome, detail ?? "");
        }
    }

    public void CustomerServiceSent(string account, string outcome, string? detail = null)
    {
        metrics.CustomerServiceSend(account, outcome);
        if (outcome != "sent" && Due("customer-service", account, outcome))
        {
            Log.CustomerServiceNotSent(logger, account, outcome, detail ?? "");
        }
    }

    public void BackendCalled(string account, string backend, string outcome) => metrics.BackendCall(account, backend, outcome);

    public void BackendCircuitChanged(string backend, bool open, TimeSpan breakFor)
    {
        if (open)
        {
            Log.BackendCircuitOpened(logger, backend, breakFor.TotalSeconds);
        }
        else
        {
            Log.BackendCircuitClosed(logger, backend);
        }
    }

    public void StoreUnavailable(string operation) => metrics.RedisError(operation);

    public void DedupHit(string account, string outcome) => metrics.DedupHit(account, outcome);

    public void RateLimited(string account, string scope) => metrics.RateLimited(account, scope);

    public void BudgetFallback(string account) => metrics.BudgetFallback(account);

    public void FlowEvent(string account, string flow, string @event) => metrics.FlowEvent(account, flow, @event);

    public void Followed(string account, string scene) => metrics.Follow(account, scene);

    public void Unfollowed(string account) => metrics.Unfollow(account);

    public void RuleHit(string account, string rule) => metrics.RuleHit(account, rule);

    public void Unanswered(string account) => metrics.Unanswered(account);

    private bool Due(string kind, string account, string outcome)
    {
        var now = time.GetTimestamp();
        var key = (kind, account, outcome);
        var last = _lastLogged.GetOrAdd(key, 0);
        return (last == 0 || time.GetElapsedTime(last, now) >= Quiet) && _lastLogged.TryUpdate(key, now, last);
    }
}
