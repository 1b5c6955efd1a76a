using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Backend;
using BrandBot.Delivery.Dedup;
using BrandBot.Delivery.Flows;
using BrandBot.Delivery.Limits;
using BrandBot.Delivery.Pipeline;
using BrandBot.Delivery.WarmUp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BrandBot.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// The push path: pipeline, answering policy, flows, brand backends, dedup and rate limits, and the
    /// start-up warm-up. Stores are the embedded ones unless shared ones were registered before. The
    /// caller registers the accounts (<see cref="AccountDirectory"/>), an <see cref="IDeliveryObserver"/>,
    /// and what Rules, WeChatApi and Account need.
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, DeliveryOptions options, BackendOptions backends, RateLimits limits)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Random.Shared);
        services.TryAddSingleton<IEntropy, SystemEntropy>();
        services.AddSingleton(options);
        services.AddSingleton(backends);

        // Backend calls are bounded by their pipeline's per-attempt timeout, not by HttpClient's.
        services.AddHttpClient(BackendClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<BackendClient>();

        services.AddSingleton<InMemoryPushGate>();
        services.TryAddSingleton<IPushGate>(sp => sp.GetRequiredService<InMemoryPushGate>());
        services.TryAddSingleton<IPushLedger, InMemoryPushLedger>();
        services.AddSingleton(sp => new RateLimiter(limits, sp.GetService<IRateWindowStore>(), sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton<FlowFollowers>();
        services.TryAddSingleton<IFlowStore, InMemoryFlowStore>();
        services.AddSingleton<FlowStep>();
        services.AddSingleton<FlowAnswerer>();

        services.AddSingleton<HitRecorder>();
        services.AddSingleton<PushEffects>();
        services.AddSingleton<ReplyResolver>();
        services.AddSingleton<FollowUps>();
        services.AddSingleton<PushAnswerer>();

        services.AddSingleton<FollowerHasher>();
        services.AddSingleton<PushProcessor>();
        services.AddSingleton<PushPathWarmUp>();
        return services;
    }
}
