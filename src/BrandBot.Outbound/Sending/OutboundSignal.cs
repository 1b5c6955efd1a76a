namespace BrandBot.Outbound.Sending;

/// <summary>Wakes this instance's sender for an account as soon as a message is queued here, instead of at its next poll.</summary>
public sealed class OutboundSignal
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _bells = new(StringComparer.Ordinal);

    public void Ring(string account)
    {
        var bell = Bell(account);
        if (bell.CurrentCount == 0)
        {
            bell.Release();
        }
    }

    /// <summary>Waits for a ring or <paramref name="poll"/> of real time, whichever comes first (due times themselves are read from the injected clock by the claim).</summary>
    public async Task WaitAsync(string account, TimeSpan poll, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(poll);
        try
        {
            await Bell(account).WaitAsync(Timeout.InfiniteTimeSpan, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }

    private SemaphoreSlim Bell(string account) => _bells.GetOrAdd(account, static _ => new SemaphoreSlim(0, 1));
}
