using BrandBot.Account.Planning;
using BrandBot.Account.Tagging;
using BrandBot.Delivery;
using BrandBot.Delivery.Dedup;
using BrandBot.Delivery.Flows;
using BrandBot.Delivery.Limits;
using BrandBot.Rules.Stats;
using BrandBot.Rules.Store;
using BrandBot.WeChatApi.Tokens;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BrandBot.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Every store port on Redis, over the process's one multiplexer (disposed with the container).
    /// Call it before the libraries' own <c>AddXxx</c>: they add their embedded stores only where none
    /// is registered yet, so this is the only place the Redis-or-embedded choice is made.
    /// </summary>
    /// <param name="statsUtcOffset">Where a statistics day begins.</param>
    /// <param name="writeBehindLinger">How long push records wait to be written together (docs/exactly-once.md).</param>
    public static IServiceCollection AddRedisStores(this IServiceCollection services, IConnectionMultiplexer redis, TimeSpan statsUtcOffset, TimeSpan writeBehindLinger)
    {
        // A factory, not an instance: the container then disposes it at shutdown.
        services.AddSingleton(_ => redis);
        services.AddSingleton<IRuleStore>(_ => new RedisRuleStore(redis));
        services.AddSingleton<IHitStats>(sp => new RedisHitStats(redis, sp.GetRequiredService<TimeProvider>(), statsUtcOffset));
        services.AddSingleton<IOperatorAudit>(_ => new RedisOperatorAudit(redis));
        services.AddSingleton<IInstanceVersions>(sp => new RedisInstanceVersions(redis, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ITokenStore>(_ => new RedisTokenStore(redis));
        services.AddSingleton<ITagQueue>(_ => new RedisTagQueue(redis));
        services.AddSingleton<IAccountRecords>(_ => new RedisAccountRecords(redis));
        services.AddSingleton<BrandBot.Account.Media.IMediaRecords>(_ => new RedisMediaRecords(redis));
        services.AddSingleton<IPushGate>(sp => new RedisPushGate(
            redis, sp.GetRequiredService<InMemoryPushGate>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IDeliveryObserver>()));
        services.AddSingleton<IPushLedger>(sp => new RedisPushLedger(
            redis, sp.GetRequiredService<InMemoryPushGate>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IDeliveryObserver>(), writeBehindLinger));
        services.AddSingleton<IRateWindowStore>(sp => new RedisRateWindows(redis, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IDeliveryObserver>()));
        services.AddSingleton(sp => new RedisFlowStore(redis, sp.GetRequiredService<FlowFollowers>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IFlowStore>(sp => sp.GetRequiredService<RedisFlowStore>());
        services.AddSingleton<Outbound.Store.IOutboundStore>(_ => new RedisOutboundStore(redis, statsUtcOffset));
        services.AddSingleton<BrandBot.Broadcasts.Store.IBroadcastStore>(_ => new RedisBroadcastStore(redis));
        return services;
    }
}
