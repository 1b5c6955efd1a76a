using BrandBot.Outbound;
using BrandBot.Outbound.Events;
using BrandBot.Outbound.Sending;
using BrandBot.Outbound.Store;
using Microsoft.Extensions.Hosting;

namespace BrandBot.Services;

/// <summary>
/// Runs the outbound sender and the ledger writer while the API is on. On the embedded store it says,
/// once, that queued messages live only in this process (docs/outbound-messages.md#without-redis).
/// </summary>
public sealed class OutboundService(OutboundWorker worker, LedgerWriter ledger, IOutboundStore store, ILoggerFactory logs) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!store.IsDurable)
        {
            OutboundLog.QueueInMemory(logs.CreateLogger(OutboundLog.Category));
        }

        return Task.WhenAll(
            Task.Run(() => worker.RunAsync(stoppingToken), CancellationToken.None),
            Task.Run(() => ledger.RunAsync(stoppingToken), CancellationToken.None));
    }
}
