namespace BrandBot.Metrics;

/// <summary>The series BrandBot exports on <c>/metrics</c>. Label values are account names, rule names, scenes and outcomes — never OpenIDs.</summary>
public sealed class BrandBotMetrics(MetricsRegistry registry)
{
    public MetricsRegistry Registry { get; } = registry;

    public Counter RuleHits { get; } = registry.Counter("brandbot_rule_hits_total", "Pushes answered by a rule (keyword or menu).", "account", "rule");

    public Counter Follows { get; } = registry.Counter("brandbot_follows_total", "Follow events, by the QR scene that brought them (empty for a plain follow).", "account", "scene");

    public Counter Unfollows { get; } = registry.Counter("brandbot_unfollows_total", "Unfollow events.", "account");

    public Counter Unanswered { get; } = registry.Counter("brandbot_unanswered_total", "Follower texts no rule matched.", "account");

    public Counter Pushes { get; } = registry.Counter("brandbot_pushes_total", "Pushes by account, mode and outcome.", "account", "mode", "outcome");

    /// <summary>Buckets packed around the budget and WeChat's 5 s deadline, where the question is "in time or not".</summary>
    public Histogram PushDuration { get; } = registry.Histogram(
        "brandbot_push_duration_seconds", "Time from a push's arrival to its answer being ready, by account.",
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 3.5, 4, 4.5, 5, 7.5, 10], "account");

    public Counter Rejections { get; } = registry.Counter("brandbot_rejections_total", "Refused pushes and verifications by reason (signature, msg_signature, decrypt_CODE, bad_xml, replay, too_large, unknown_account, …).", "account", "reason");

    public Counter DedupHits { get; } = registry.Counter("brandbot_dedup_hits_total", "Retried pushes answered from the first attempt (replayed) or while it was still running (waited).", "account", "outcome");

    public Counter BudgetFallbacks { get; } = registry.Counter("brandbot_budget_fallbacks_total", "Pushes answered success because the reply was not ready within the budget.", "account");

    public Counter RateLimited { get; } = registry.Counter("brandbot_rate_limited_total", "Rule-triggering messages answered success because a rate limit was reached.", "account", "scope");

    public Counter CustomerServiceSends { get; } = registry.Counter("brandbot_customer_service_sends_total", "Customer-service sends by outcome (sent, out_of_window, quota, error_CODE, failed, no_token, no_appsecret, unsupported).", "account", "outcome");

    public Counter TokenRefreshes { get; } = registry.Counter("brandbot_token_refreshes_total", "stable_token calls by outcome.", "account", "outcome");

    public Counter BackendCalls { get; } = registry.Counter("brandbot_backend_calls_total", "Brand backend calls by outcome (ok, failed, timeout, bad_answer, circuit_open).", "account", "backend", "outcome");

    public Counter RedisErrors { get; } = registry.Counter("brandbot_redis_errors_total", "Request-path Redis calls that failed or were too slow and were answered from process memory.", "operation");
}
