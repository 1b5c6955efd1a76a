using System.Globalization;
using BrandBot.Rules.Stats;

namespace BrandBot.Dashboard;

/// <summary>
/// The days a page asks about: <c>?days=N</c> up to today, or <c>?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>;
/// limited to the days statistics are kept (<see cref="KeptDays"/>) and never past today, at
/// <c>StatsUtcOffsetHours</c>.
/// </summary>
public sealed record StatsWindow(DateOnly From, DateOnly To, DateOnly Today)
{
    /// <summary>Daily statistics keys live this long in Redis (RedisHitStats.Retention).</summary>
    public const int KeptDays = 400;

    /// <summary>
    /// The range every page opens with, and <c>rules stats</c>' default too: one week, so Growth, Channels,
    /// Keywords and Unanswered agree on "the last N days" until the operator picks another.
    /// </summary>
    public const int DefaultDays = 7;

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The window a request names; without <c>days</c> or <c>from</c>/<c>to</c>, the last <see cref="DefaultDays"/> days.</summary>
    public static bool TryParse(HttpRequest request, DateOnly today, out StatsWindow window, out string? error)
    {
        window = new StatsWindow(today.AddDays(1 - DefaultDays), today, today);
        error = null;
        var query = request.Query;
        var oldest = today.AddDays(1 - KeptDays);
        if (query.ContainsKey("from") || query.ContainsKey("to"))
        {
            if (!DateOnly.TryParseExact(query["from"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                || !DateOnly.TryParseExact(query["to"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
            {
                error = "from and to must both be dates as yyyy-MM-dd";
                return false;
            }

            if (from > to)
            {
                error = "from must not be after to";
                return false;
            }

            if (to > today || from < oldest)
            {
                error = $"statistics are kept from {oldest:yyyy-MM-dd} to today ({today:yyyy-MM-dd})";
                return false;
            }

            window = new StatsWindow(from, to, today);
            return true;
        }

        if (query.ContainsKey("days"))
        {
            if (!int.TryParse(query["days"], NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > KeptDays)
            {
                error = $"days must be a whole number from 1 to {KeptDays}";
                return false;
            }

            window = new StatsWindow(today.AddDays(1 - days), today, today);
        }

        return true;
    }

    public Task<List<DailyStats>> ReadAsync(IHitStats stats, string account, int topUnanswered = 20, CancellationToken cancellationToken = default) =>
        StatsReport.ReadWindowAsync(stats, account, To, Days, topUnanswered, cancellationToken);
}
