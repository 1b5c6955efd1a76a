using BrandBot.Delivery.Dedup;
using BrandBot.Delivery.Limits;
using BrandBot.Logging;
using Microsoft.Extensions.Logging;

namespace BrandBot.Services;

/// <summary>
/// What the request path leaves behind it: rate counts sent to the shared windows every
/// <c>RateLimit:SyncMilliseconds</c>, and on shutdown the push records still queued, written before the
/// statistics' last flush and the follow-ups' drain (hosted services stop in reverse order: this one is added last).
/// </summary>
public sealed class WriteBehindService(IPushLedger ledger, RateLimiter limiter, TimeSpan syncEvery, TimeProvider time, ILogger logger) : BackgroundService
{
    public static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(5);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await ledger.DrainAsync(cancellationToken).WaitAsync(DrainBound, time, cancellationToken);
            await limiter.SyncAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            Log.WriteBehindAbandoned(logger);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(syncEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await limiter.SyncAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
