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

    // The event that could not be written last tick: it is written first next time, so an outage
    // delays results and unfollows instead of losing them.
    private BroadcastEvent? _unwritten;

    private int _unwrittenTries;

    private long _droppedTold;

    /// <summary>This instance, as a lease owner.</summary>
    private readonly string _owner = $"server:{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():n}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await WriteEventsAsync(stoppingToken);

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

    /// <summary>
    /// Writes the queued events in order. When one cannot be written (Redis away) it is kept and the rest
    /// wait behind it until the next tick; one that keeps failing for <see cref="GiveUpAfter"/> ticks is
    /// let go (a mass/get poll still finds a job's result), so no single event can stall the queue for good.
    /// </summary>
    private async Task WriteEventsAsync(CancellationToken stoppingToken)
    {
        while (_unwritten is { } item || events.Reader.TryRead(out item))
        {
            try
            {
                await processor.ProcessAsync(item, stoppingToken);
                _unwritten = null;
                _unwrittenTries = 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (_unwrittenTries == 0)
                {
                    Log.BroadcastEventNotRecorded(_log, item.Account, ex.Message);
                }

                if (++_unwrittenTries >= GiveUpAfter)
                {
                    Log.BroadcastEventGivenUp(_log, item.Account, GiveUpAfter);
                    _unwritten = null;
                    _unwrittenTries = 0;
                    continue;
                }

                _unwritten = item;
                break;
            }
        }

        if (events.Dropped is var dropped && dropped > _droppedTold)
        {
            Log.BroadcastEventsDropped(_log, dropped - _droppedTold, BroadcastEvents.Capacity);
            _droppedTold = dropped;
        }
    }

    /// <summary>Ticks an event is retried before it is let go: an hour of them covers a Redis restart or failover.</summary>
    public static readonly int GiveUpAfter = (int)(TimeSpan.FromHours(1) / Interval);
}
