using BrandBot.Rules.Stats;
using BrandBot.Rules.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BrandBot.Rules;

public static class RulesServiceCollectionExtensions
{
    /// <summary>
    /// The live rule sets, the publisher, and the embedded stores (rules, statistics, operator audit,
    /// instance versions) — each only where no shared store was registered before (BrandBot.Redis's
    /// <c>AddRedisStores</c>), so one call order serves the server and the operator verbs alike.
    /// </summary>
    /// <param name="statsUtcOffset">Where a statistics day begins.</param>
    public static IServiceCollection AddRules(this IServiceCollection services, TimeSpan statsUtcOffset)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRuleStore, InMemoryRuleStore>();
        services.TryAddSingleton<IHitStats>(sp => new InMemoryHitStats(sp.GetRequiredService<TimeProvider>(), statsUtcOffset));
        services.TryAddSingleton<IOperatorAudit, InMemoryOperatorAudit>();
        services.TryAddSingleton<IInstanceVersions, InMemoryInstanceVersions>();
        services.TryAddSingleton<LiveRuleSets>();
        services.TryAddSingleton<RulePublisher>();
        return services;
    }
}
