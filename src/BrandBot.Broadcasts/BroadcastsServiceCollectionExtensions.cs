using BrandBot.Account;
using BrandBot.Broadcasts.Content;
using BrandBot.Broadcasts.Planning;
using BrandBot.Broadcasts.Results;
using BrandBot.Broadcasts.Sending;
using BrandBot.Broadcasts.Status;
using BrandBot.Broadcasts.Store;
using BrandBot.Delivery.Answering;
using BrandBot.WeChatApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BrandBot.Broadcasts;

public static class BroadcastsServiceCollectionExtensions
{
    /// <summary>
    /// Broadcasts: the store (embedded unless a shared one was registered before), the planner, the
    /// sender and its scheduler, and the push effect that hears job results and unfollows. Needs
    /// <c>AddWeChatApi</c> and <c>AddRules</c>; the host runs <see cref="BroadcastScheduler"/> and
    /// <see cref="BroadcastEventProcessor"/> in a background service.
    /// </summary>
    public static IServiceCollection AddBroadcasts(this IServiceCollection services, IEnumerable<BroadcastAccount> accounts, BroadcastOptions options, TimeSpan statsUtcOffset)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBroadcastStore>(sp => new InMemoryBroadcastStore(sp.GetRequiredService<TimeProvider>()));
        services.AddMediaUploads();
        services.AddSingleton(options);
        services.AddSingleton(new BroadcastAccounts(accounts));
        services.AddSingleton(new BroadcastStatsOffset(statsUtcOffset));
        services.AddSingleton<ContentPreparer>();
        services.AddSingleton<AudienceResolver>();
        services.AddSingleton<BroadcastPlanner>();
        services.AddSingleton<BroadcastRunner>();
        services.AddSingleton<BroadcastScheduler>();
        services.AddSingleton<BroadcastDesk>();
        services.AddSingleton<BroadcastStatusReader>();
        services.AddSingleton<BroadcastEventProcessor>();
        services.AddSingleton<BroadcastEvents>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPushEffect, BroadcastEvents>(sp => sp.GetRequiredService<BroadcastEvents>()));
        return services;
    }
}
