namespace BrandBot.Outbound;

/// <summary>What the outbound room reports to metrics and logs; labels are accounts, kinds and fixed words, never OpenIDs.</summary>
public interface IOutboundObserver
{
    /// <summary>
    /// One message reached <paramref name="result"/>: <c>accepted</c>, <c>replayed</c>, <c>conflict</c>,
    /// <c>window_closed</c>, <c>no_grant</c> (at the request); <c>sent</c>, <c>retried</c>, <c>failed</c>,
    /// <c>unknown</c> (the sender); <c>delivered</c> (the job-finish event; its failures are <c>failed</c>).
    /// </summary>
    void Counted(string account, string kind, string result);

    /// <summary>The account's unfinished messages and the age of the oldest, refreshed by every instance every few seconds.</summary>
    void QueueObserved(string account, long depth, double oldestSeconds);
}

/// <summary>For composition without metrics (the CLI verbs).</summary>
public sealed class NoOutboundObserver : IOutboundObserver
{
    public void Counted(string account, string kind, string result)
    {
    }

    public void QueueObserved(string account, long depth, double oldestSeconds)
    {
    }
}
