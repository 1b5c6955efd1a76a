namespace BrandBot.Logging;

/// <summary>
/// Log categories operators filter on (docs/operations.md, "Logs"). They keep the names the classes had
/// before the code was re-laid out, so an existing <c>Logging:LogLevel</c> setting still reaches them.
/// </summary>
public static class LogCategories
{
    public const string RulesActivator = "BrandBot.Rules.RulesActivator";

    public const string RulesFiles = "BrandBot.Rules.RulesFileService";

    public const string RulesCatchUp = "BrandBot.Rules.RulesCatchUpService";

    public const string Tagging = "BrandBot.Account.TaggingService";

    public const string WriteBehind = "BrandBot.Delivery.WriteBehindService";

    public const string FlowListen = "BrandBot.Flows.FlowListenService";

    public const string DeliveryEvents = "BrandBot.Delivery.DeliveryEvents";

    public const string Broadcasts = "BrandBot.Broadcasts.BroadcastService";
}
