using BrandBot.Broadcasts.Results;
using BrandBot.Broadcasts.Sending;
using BrandBot.Logging;
using Microsoft.Extensions.Hosting;

namespace BrandBot.Services;

/// <summary>
/// Broadcasts in the background (docs/broadcasts.md): writes job results and unfollows the pushes
/// queued, and once a second lets the scheduler send what is due, retry what waits, and ask mass/get
/// for late results. Every instance runs it; a broadcast's lease lets only one act at a time.
/// </summary>
public sealed class BroadcastService(BroadcastEvents events, BroadcastEventProcessor processor, BroadcastScheduler scheduler, ILoggerFactory logs) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ILogger _log = logs.CreateLogger(LogCategories.Broadcasts);

    private bool _paused;

    /// <summary>This instance, as a lease owner.</summary>
    private readonly string _owner = $"server:{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():n}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                while (events.Reader.TryRead(out var item))
                {
                    try
                    {
                        await processor.ProcessAsync(item, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Log.BroadcastEventNotRecorded(_log, item.Account, ex.Message);
                    }
                }

                try
                {
                    await scheduler.TickAsync(_owner, stoppingToken);
                    if (_paused)
                    {
                        _paused = false;
                        Log.BroadcastsResumed(_log);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Redis or WeChat away: the broadcast's state says where it stands; the next tick goes on.
                    // Told once per outage, not every second.
                    if (!_paused)
                    {
                        _paused = true;
                        Log.BroadcastsPaused(_log, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
