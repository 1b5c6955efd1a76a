using BrandBot.Account;
using BrandBot.Account.Tagging;
using BrandBot.Api;
using BrandBot.Broadcasts;
using BrandBot.Delivery;
using BrandBot.Delivery.Pipeline;
using BrandBot.Logging;
using BrandBot.Metrics;
using BrandBot.Options;
using BrandBot.Outbound;
using BrandBot.Redis;
using BrandBot.Rules;
using BrandBot.Services;
using BrandBot.WeChatApi;
using StackExchange.Redis;

namespace BrandBot.Hosting;

public static class BrandBotServiceCollectionExtensions
{
    /// <summary>
    /// The whole server: the shared stores when Redis is configured (before the libraries, whose embedded
    /// stores fill only what is left), each library's own registration, then the host's adapters —
    /// metrics and logs behind the libraries' observers — and its background services.
    /// </summary>
    public static IServiceCollection AddBrandBot(this IServiceCollection services, IConnectionMultiplexer? redis, BrandBotOptions options)
    {
        var statsOffset = TimeSpan.FromHours(options.StatsUtcOffsetHours);
        // Validated once, in BuildAsync, before the host exists (together with Redis reachability).
        services.AddOptions<BrandBotOptions>().BindConfiguration(BrandBotOptions.Section);
        if (redis is not null)
        {
            services.AddRedisStores(redis, statsOffset, TimeSpan.FromMilliseconds(options.WriteBehindLingerMilliseconds));
        }

        services.AddRules(statsOffset);
        services.AddWeChatApi(options.WeChatApiBaseUrl);
        services.AddAccountTagging();
        services.AddRuleMedia(options.RulesFolders());
        services.AddDelivery(options.Delivery(), options.Backends, options.Limits());
        services.AddSingleton(new AccountDirectory(options.WeChatAccounts()));
        if (options.Api.Enabled)
        {
            services.AddOutbound(options.Outbound, statsOffset);
            services.AddApi(options.Api);
        }

        services.AddBroadcasts(options.BroadcastAccounts(), options.Broadcasts, statsOffset);

        services.AddTelemetry(options);
        services.AddSingleton<RejectionLog>();
        services.AddSingleton<DeliveryEvents>();
        services.AddSingleton<IDeliveryObserver>(sp => sp.GetRequiredService<DeliveryEvents>());
        services.AddSingleton<IWeChatApiObserver>(sp => sp.GetRequiredService<DeliveryEvents>());
        services.AddSingleton<ITaggingObserver, TaggingEvents>();
        // Even with the API off, so /metrics declares the outbound series (the alerts and the board name them).
        services.AddSingleton<OutboundEvents>();
        services.AddSingleton<IOutboundObserver>(sp => sp.GetRequiredService<OutboundEvents>());

        services.AddHostedServices(options, redis is not null);
        return services;
    }
}
