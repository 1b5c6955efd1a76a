using BrandBot.Delivery.Dedup;
using BrandBot.Delivery.Limits;
using BrandBot.Logging;
using BrandBot.Options;
using Microsoft.Extensions.Logging;

namespace BrandBot.Services;

/// <summary>Every background service of the server, in one place: the host stops them in the reverse of this order.</summary>
public static class HostedServices
{
    public static IServiceCollection AddHostedServices(this IServiceCollection services, BrandBotOptions options, bool redis)
    {
        if (redis)
        {
            // Hears other instances' flow commits; stops last.
            services.AddHostedService<FlowListenService>();
        }

        // Customer-service sends still running after their answer: drained after the rules services stop.
        services.AddHostedService<FollowUpsDrainService>();
        services.AddSingleton<RulesActivator>();
        services.AddSingleton<RulesFileService>();
        services.AddSingleton<IStartupCheck>(sp => sp.GetRequiredService<RulesFileService>());
        services.AddHostedService(sp => sp.GetRequiredService<RulesFileService>());
        services.AddHostedService<RulesCatchUpService>();
        services.AddHostedService<InstanceVersionReporter>();
        services.AddHostedService<StatsFlushService>();
        services.AddHostedService<TaggingService>();
        if (options.Api.Enabled)
        {
            services.AddHostedService<OutboundService>();
        }

        services.AddHostedService<BroadcastService>();
        // Last, so it stops first: queued push records are written before the statistics' last flush.
        services.AddHostedService(sp => new WriteBehindService(
            sp.GetRequiredService<IPushLedger>(), sp.GetRequiredService<RateLimiter>(), TimeSpan.FromMilliseconds(options.RateLimit.SyncMilliseconds),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategories.WriteBehind)));
        return services;
    }
}
