using System.Diagnostics.Metrics;

namespace BrandBot.Metrics;

/// <summary>
/// The series BrandBot exports on <c>/metrics</c> (and over OTLP): one <see cref="Meter"/>, every
/// instrument created once here. Label values are account names, rule names, scenes and outcomes —
/// never OpenIDs. Tags are passed as key/value pairs, so an increment builds no string.
/// </summary>
public sealed class BrandBotMetrics
{
    public const string MeterName = "BrandBot";

    /// <summary>Packed around the budget and WeChat's 5 s deadline, where the question is "in time or not".</summary>
    public static readonly IReadOnlyList<double> PushDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 3.5, 4, 4.5, 5, 7.5, 10];

    private readonly Counter<long> _ruleHits;
    private readonly Counter<long> _follows;
    private readonly Counter<long> _unfollows;
    private readonly Counter<long> _unanswered;
    private readonly Counter<long> _pushes;
    private readonly Histogram<double> _pushDuration;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _dedupHits;
    private readonly Counter<long> _budgetFallbacks;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _customerServiceSends;
    private readonly Counter<long> _tokenRefreshes;
    private readonly Counter<long> _backendCalls;
    private readonly Counter<long> _taggings;
    private readonly Counter<long> _flowEvents;
    private readonly Counter<long> _redisErrors;

    /// <param name="meters">The host's factory: each host (and each test server) has its own meter, so two hosts in one process never count into each other.</param>
    public BrandBotMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _ruleHits = meter.CreateCounter<long>("brandbot_rule_hits_total", description: "Pushes answered by a rule (keyword or menu).");
        _follows = meter.CreateCounter<long>("brandbot_follows_total", description: "Follow events, by the QR scene that brought them: a scene the rules declare, other for any other, empty for a plain follow.");
        _unfollows = meter.CreateCounter<long>("brandbot_unfollows_total", description: "Unfollow events.");
        _unanswered = meter.CreateCounter<long>("brandbot_unanswered_total", description: "Follower texts no rule matched.");
        _pushes = meter.CreateCounter<long>("brandbot_pushes_total", description: "Pushes by account, mode and outcome.");
        _pushDuration = meter.CreateHistogram(
            "brandbot_push_duration_seconds",
            unit: "s",
            description: "Time from a push's arrival to its answer being ready, by account.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PushDurationBuckets });
        _rejections = meter.CreateCounter<long>("brandbot_rejections_total", description: "Refused pushes and verifications by reason (signature, msg_signature, decrypt_CODE, bad_xml, replay, too_large, unknown_account, …).");
        _dedupHits = meter.CreateCounter<long>("brandbot_dedup_hits_total", description: "Retried pushes answered from the first attempt (replayed) or while it was still running (waited).");
        _budgetFallbacks = meter.CreateCounter<long>("brandbot_budget_fallbacks_total", description: "Pushes answered success because the reply was not ready within the budget.");
        _rateLimited = meter.CreateCounter<long>("brandbot_rate_limited_total", description: "Rule-triggering messages answered success because a rate limit was reached.");
        _customerServiceSends = meter.CreateCounter<long>("brandbot_customer_service_sends_total", description: "Customer-service sends by outcome (sent, out_of_window, quota, error_CODE, failed, no_token, no_appsecret, unsupported).");
        _tokenRefreshes = meter.CreateCounter<long>("brandbot_token_refreshes_total", description: "stable_token calls by outcome.");
        _backendCalls = meter.CreateCounter<long>("brandbot_backend_calls_total", description: "Brand backend calls by outcome (ok, failed, timeout, bad_answer, circuit_open).");
        _flowEvents = meter.CreateCounter<long>("brandbot_flow_events_total", description: "Flow events by flow and event (started, step_valid, step_invalid, exhausted, cancelled, interrupted, timed_out, completed, backend_late).");
        _taggings = meter.CreateCounter<long>("brandbot_taggings_total", description: "Followers handled by the tagger, by outcome (tagged, retried, invalid_openid, too_many_tags, account_tag_limit, gave_up).");
        _redisErrors = meter.CreateCounter<long>("brandbot_redis_errors_total", description: "Request-path Redis calls that failed or were too slow and were answered from process memory.");
    }

    public void RuleHit(string account, string rule) => _ruleHits.Add(1, Tag("account", account), Tag("rule", rule));

    public void Follow(string account, string scene) => _follows.Add(1, Tag("account", account), Tag("scene", scene));

    public void Unfollow(string account) => _unfollows.Add(1, Tag("account", account));

    public void Unanswered(string account) => _unanswered.Add(1, Tag("account", account));

    public void Push(string account, string mode, string outcome) => _pushes.Add(1, Tag("account", account), Tag("mode", mode), Tag("outcome", outcome));

    public void PushDuration(string account, double seconds) => _pushDuration.Record(seconds, Tag("account", account));

    public void Rejection(string account, string reason) => _rejections.Add(1, Tag("account", account), Tag("reason", reason));

    public void DedupHit(string account, string outcome) => _dedupHits.Add(1, Tag("account", account), Tag("outcome", outcome));

    public void BudgetFallback(string account) => _budgetFallbacks.Add(1, Tag("account", account));

    public void RateLimited(string account, string scope) => _rateLimited.Add(1, Tag("account", account), Tag("scope", scope));

    public void CustomerServiceSend(string account, string outcome) => _customerServiceSends.Add(1, Tag("account", account), Tag("outcome", outcome));

    public void TokenRefresh(string account, string outcome) => _tokenRefreshes.Add(1, Tag("account", account), Tag("outcome", outcome));

    public void BackendCall(string account, string backend, string outcome) => _backendCalls.Add(1, Tag("account", account), Tag("backend", backend), Tag("outcome", outcome));

    public void FlowEvent(string account, string flow, string @event) => _flowEvents.Add(1, Tag("account", account), Tag("flow", flow), Tag("event", @event));

    public void Tagging(string account, string outcome, int followers) => _taggings.Add(followers, Tag("account", account), Tag("outcome", outcome));

    public void RedisError(string operation) => _redisErrors.Add(1, Tag("operation", operation));

    /// <summary>
    /// Puts a zero on the series whose labels are known before anything happens, so dashboards and
    /// alerts see a flat line instead of a missing series (a rate over a series that does not exist
    /// yet is no answer). Series keyed by rule, scene or backend appear with their first sample.
    /// </summary>
    public void SeedAccount(string account)
    {
        var a = Tag("account", account);
        foreach (var mode in (string[])["aes", "plain"])
        {
            foreach (var outcome in (string[])["reply", "success"])
            {
                _pushes.Add(0, a, Tag("mode", mode), Tag("outcome", outcome));
            }
        }

        _rejections.Add(0, a, Tag("reason", "signature"));
        _follows.Add(0, a, Tag("scene", ""));
        _unfollows.Add(0, a);
        _unanswered.Add(0, a);
        _dedupHits.Add(0, a, Tag("outcome", "replayed"));
        _dedupHits.Add(0, a, Tag("outcome", "waited"));
        _budgetFallbacks.Add(0, a);
        _rateLimited.Add(0, a, Tag("scope", "follower"));
        _rateLimited.Add(0, a, Tag("scope", "account"));
        _customerServiceSends.Add(0, a, Tag("outcome", "sent"));
        _tokenRefreshes.Add(0, a, Tag("outcome", "ok"));
    }

    /// <summary>The request-path store operations <see cref="RedisError"/> is counted for.</summary>
    public void SeedStoreOperations(IEnumerable<string> operations)
    {
        foreach (var operation in operations)
        {
            _redisErrors.Add(0, Tag("operation", operation));
        }
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
