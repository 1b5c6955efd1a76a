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
}
