using BrandBot.Delivery.Answering;
using BrandBot.Outbound.Events;
using BrandBot.Outbound.Sending;
using BrandBot.Outbound.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BrandBot.Outbound;

public static class OutboundServiceCollectionExtensions
{
    /// <summary>
    /// The outbound room: intake, sender, ledgers and the push effect that feeds them. The store is the
    /// embedded one unless <c>AddRedisStores</c> registered the shared one first. The caller registers an
    /// <see cref="IOutboundObserver"/> (else none) and runs <see cref="OutboundWorker"/> and
    /// <see cref="LedgerWriter"/> in the background (the host's OutboundService).
    /// </summary>
    public static IServiceCollection AddOutbound(this IServiceCollection services, OutboundOptions options, TimeSpan dayOffset)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOutboundStore>(_ => new InMemoryOutboundStore(dayOffset));
        services.TryAddSingleton<IOutboundObserver, NoOutboundObserver>();
        services.AddSingleton(options);
        services.AddSingleton<OutboundSignal>();
        services.AddSingleton<MessageIntake>();
        services.AddSingleton(sp => new OutboundSender(
            sp.GetRequiredService<IOutboundStore>(), sp.GetRequiredService<Delivery.Pipeline.AccountDirectory>(),
            sp.GetRequiredService<WeChatApi.Tokens.AccessTokens>(), sp.GetRequiredService<WeChatApi.MessageSends>(), options,
            sp.GetRequiredService<IOutboundObserver>(), sp.GetRequiredService<TimeProvider>(), Random.Shared,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        services.AddSingleton<OutboundWorker>();
        services.AddSingleton<LedgerQueue>();
        services.AddSingleton<LedgerWriter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPushEffect, OutboundPushEffect>());
        return services;
    }
}
