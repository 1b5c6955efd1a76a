
namespace BrandBot.Logging;

/// <summary>
/// Logs refused requests with their reason, at most <see cref="PerSecond"/> lines a second: a flood of
/// junk must not turn into a flood of log lines. What was held back is counted in the next line.
/// </summary>
public sealed class RejectionLog(TimeProvider time, ILogger<RejectionLog> logger)
{
    public const int PerSecond = 20;

    private readonly Lock _gate = new();
    private long _window = -1;
    private int _written;
    private int _suppressed;

    public void Write(string method, string account, int status, string reason)
    {
        int suppressedBefore;
        lock (_gate)
        {
            var second = time.GetUtcNow().ToUnixTimeSeconds();
            if (second != _window)
            {
                _window = second;
                _written = 0;
            }

            if (_written >= PerSecond)
            {
                _suppressed++;
                return;
            }

            _written++;
            suppressedBefore = _suppressed;
            _suppressed = 0;
        }

        Log.Rejected(logger, method, account, status, reason);
        if (suppressedBefore > 0)
        {
            Log.RejectionsSuppressed(logger, suppressedBefore);
        }
    }
}
