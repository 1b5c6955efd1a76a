using BrandBot.Delivery.Pipeline;
using BrandBot.Outbound.Store;
using Microsoft.Extensions.Logging;

namespace BrandBot.Outbound.Sending;

/// <summary>
/// Every instance runs one: per account, it claims due messages (its own, a retry, or a dead instance's
/// whose lease ran out) and sends up to <see cref="OutboundOptions.Concurrency"/> at once; idle, it looks
/// again every <see cref="OutboundOptions.PollMilliseconds"/> or as soon as this instance queues one.
/// It also refreshes the queue gauges.
/// </summary>
public sealed class OutboundWorker(
    IOutboundStore store,
    OutboundSender sender,
    OutboundSignal signal,
    AccountDirectory accounts,
    OutboundOptions options,
    IOutboundObserver observer,
    TimeProvider time,
    ILoggerFactory logs)
{
    private static readonly TimeSpan GaugeEvery = TimeSpan.FromSeconds(2);
    private readonly ILogger _log = logs.CreateLogger(OutboundLog.Category);

    public Task RunAsync(CancellationToken stopping) =>
        Task.WhenAll(accounts.All.Select(a => Task.Run(() => RunAccountAsync(a.Name, stopping), CancellationToken.None)));

    private async Task RunAccountAsync(string account, CancellationToken stopping)
    {
        using var slots = new SemaphoreSlim(options.Concurrency);
        var running = new List<Task>();
        var lease = TimeSpan.FromSeconds(options.LeaseSeconds);
        var poll = TimeSpan.FromMilliseconds(options.PollMilliseconds);
        var gaugesAt = DateTimeOffset.MinValue;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                if (now - gaugesAt >= GaugeEvery)
                {
                    gaugesAt = now;
                    var queue = await store.QueueAsync(account, stopping);
                    observer.QueueObserved(account, queue.Depth, queue.OldestCreatedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0);
                }

                await slots.WaitAsync(stopping);
                var claim = await store.ClaimAsync(account, time.GetUtcNow(), lease, stopping);
                if (claim is null)
                {
                    slots.Release();
                    await signal.WaitAsync(account, poll, stopping);
                    continue;
                }

                running.RemoveAll(t => t.IsCompleted);
                running.Add(SendAsync(claim, slots, stopping));
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The store is away (Redis down) or something unexpected: nothing is lost, the lease expires.
                OutboundLog.SenderFailed(_log, account, e);
                await Delay(TimeSpan.FromSeconds(1), stopping);
            }
        }

        await Task.WhenAll(running);
    }

    private async Task SendAsync(Claim claim, SemaphoreSlim slots, CancellationToken stopping)
    {
        try
        {
            await sender.ProcessAsync(claim, stopping);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            OutboundLog.SenderFailed(_log, claim.Message.Account, e);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the lease expires and the next instance finishes the job.
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task Delay(TimeSpan wait, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(wait, time, stopping);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
