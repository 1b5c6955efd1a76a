using BrandBot.Broadcasts.Store;

namespace BrandBot.Broadcasts.Planning;

/// <summary>
/// Which named followers a broadcast leaves out, counted from BrandBot's own ledger of what it sent:
/// the brand's cap per 30 days, and on a service account WeChat's four mass messages a calendar month
/// (a fifth would be dropped by WeChat anyway; sends from the console are not in the ledger).
/// </summary>
public static class Exclusions
{
    public const int ServiceMonthlyLimit = 4;

    public static bool IsExcluded(IReadOnlyList<SentBroadcast> sent, DateTimeOffset now, AccountKind kind, int? perFollowerPer30Days, TimeSpan quotaOffset)
    {
        if (perFollowerPer30Days is { } cap && sent.Count(d => d.At > now - TimeSpan.FromDays(30)) >= cap)
        {
            return true;
        }

        if (kind == AccountKind.Service)
        {
            var local = now.ToOffset(quotaOffset);
            var monthStart = new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, quotaOffset);
            return sent.Count(d => d.At >= monthStart) >= ServiceMonthlyLimit;
        }

        return false;
    }

    /// <summary>The quota day (Beijing time by default) of an instant.</summary>
    public static DateOnly QuotaDay(DateTimeOffset at, TimeSpan quotaOffset) => DateOnly.FromDateTime(at.ToOffset(quotaOffset).DateTime);

    /// <summary>Splits <paramref name="count"/> recipients into as few batches of at most 10,000 as possible, evenly (so none has fewer than two).</summary>
    public static List<(int Start, int Length)> Batches(int count)
    {
        var batches = new List<(int, int)>();
        var n = (count + Files.BroadcastLimits.MaxBatch - 1) / Files.BroadcastLimits.MaxBatch;
        for (int i = 0, start = 0; i < n; i++)
        {
            var length = (count - start) / (n - i);
            batches.Add((start, length));
            start += length;
        }

        return batches;
    }
}
