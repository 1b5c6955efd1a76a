using BrandBot.Redis;
using BrandBot.Rules.Stats;
using Microsoft.Extensions.Hosting;

namespace BrandBot.Metrics;

/// <summary>Writes the statistics tally to Redis every second, and once more on shutdown so nothing counted is lost.</summary>
public sealed class StatsFlushService(IHitStats stats) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (stats is RedisHitStats redis)
        {
            await redis.FlushAsync();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (stats is not RedisHitStats redis)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await redis.FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
