using BrandBot.Delivery.Pipeline;
using BrandBot.Logging;
using BrandBot.Options;
using BrandBot.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BrandBot.Services;

/// <summary>
/// Keeps this instance's set of followers in a flow current: hears every instance's flow commits on
/// pub/sub and reloads the set from Redis every <c>RulesCatchUpSeconds</c>, so a missed announcement is
/// caught up the way a missed publish is.
/// </summary>
public sealed class FlowListenService(RedisFlowStore store, AccountDirectory accounts, IOptions<BrandBotOptions> options, ILoggerFactory logs) : BackgroundService
{
    private readonly ILogger log = logs.CreateLogger(LogCategories.FlowListen);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var names = accounts.All.Select(a => a.Name).ToList();
        try
        {
            await store.ListenAsync(names);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            log.LogWarning("flow followers not loaded yet: {Reason}", ex.Message);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.RulesCatchUpSeconds)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.ReloadAsync(names);
                }
                catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
                {
                    log.LogDebug("flow followers not reloaded: {Reason}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
