using BrandBot.Rules.Stats;

namespace BrandBot.Commands;

/// <summary><c>rules stats</c>: hits per rule, follows and unfollows, follows per QR scene, top unanswered texts.</summary>
internal static class RulesStatsCommand
{
    public static async Task<int> RunAsync(CommandStore store, CommandLine line, TextWriter output, TextWriter error)
    {
        if (line["account"] is not { } account || !int.TryParse(line["days"] ?? "7", out var days) || days is < 1 or > 400)
        {
            return RulesCommands.Fail(error, "usage: brandbot rules stats --account NAME [--days N]   (N from 1 to 400, default 7)");
        }

        var today = StatsDay.Of(DateTimeOffset.UtcNow, TimeSpan.FromHours(store.Options.StatsUtcOffsetHours));
        var daily = new List<DailyStats>();
        for (var i = days - 1; i >= 0; i--)
        {
            daily.Add(await store.Stats.ReadAsync(account, today.AddDays(-i)));
        }

        output.WriteLine($"account '{account}', {days} day(s) to {today:yyyy-MM-dd}");
        output.WriteLine($"{"day",-10}  {"follows",7}  {"unfollows",9}  {"rule hits",9}");
        foreach (var day in daily)
        {
            output.WriteLine($"{day.Day:yyyy-MM-dd}  {day.Follows,7}  {day.Unfollows,9}  {day.RuleHits.Values.Sum(),9}");
        }

        Section(output, "hits per rule", Sum(daily.Select(d => d.RuleHits)));
        Section(output, "follows per QR scene", Sum(daily.Select(d => d.SceneFollows)));
        Section(output, "top unanswered texts", Sum(daily.Select(d => d.TopUnanswered.ToDictionary(p => p.Key, p => p.Value))).Take(20));
        return 0;
    }

    private static IEnumerable<KeyValuePair<string, long>> Sum(IEnumerable<IReadOnlyDictionary<string, long>> days) =>
        days.SelectMany(d => d)
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, long>(g.Key, g.Sum(p => p.Value)))
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal);

    private static void Section(TextWriter output, string title, IEnumerable<KeyValuePair<string, long>> rows)
    {
        output.WriteLine();
        output.WriteLine(title + ":");
        var any = false;
        foreach (var (key, value) in rows)
        {
            output.WriteLine($"  {value,7}  {key}");
            any = true;
        }

        if (!any)
        {
            output.WriteLine("  (none)");
        }
    }
}
