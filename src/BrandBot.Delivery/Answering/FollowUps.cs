using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BrandBot.Delivery.Answering;

/// <summary>
/// Work that continues after a push has been answered: the rest of a reply_all group, or a reply
/// that missed the budget, going out through the customer-service API. Tracked so that shutdown
/// waits for it (up to <see cref="DrainBound"/>) instead of dropping a follower's answer.
/// </summary>
public sealed class FollowUps(ILoggerFactory logs) : IDisposable
{
    private readonly ILogger logger = logs.CreateLogger(DeliveryLog.FollowUpsCategory);

    public static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Task, string> _running = new();
    private readonly CancellationTokenSource _stopping = new();

    public int Pending => _running.Count;

    public void Start(string account, Func<CancellationToken, Task> work)
    {
        var task = Task.Run(() => work(_stopping.Token));
        _running.TryAdd(task, account);
        task.ContinueWith(
            done =>
            {
                _running.TryRemove(done, out _);
                if (done.Exception is { } failure)
                {
                    DeliveryLog.FollowUpFailed(logger, account, failure.GetBaseException());
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Completes when everything started so far has finished (tests, shutdown).</summary>
    public Task DrainAsync() => Task.WhenAll(_running.Keys);

    /// <summary>At shutdown: waits for what is running, up to <see cref="DrainBound"/>, then cancels the rest.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await DrainAsync().WaitAsync(DrainBound, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            DeliveryLog.FollowUpsAbandoned(logger, _running.Count);
        }
        finally
        {
            await _stopping.CancelAsync();
        }
    }

    public void Dispose() => _stopping.Dispose();
}
