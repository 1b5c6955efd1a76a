using System.CommandLine;
using BrandBot.Rules.Stats;

namespace BrandBot.Commands;

/// <summary><c>rules stats</c>: hits per rule, follows and unfollows, follows per QR scene, top unanswered texts.</summary>
internal static class RulesStatsCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var (account, settings, json) = (CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.Json());
        var days = new Option<int>("--days") { Description = "how many days up to today (1 to 400)", HelpName = "N", DefaultValueFactory = _ => 7 };
        days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 400)
            {
                result.AddError("--days must be from 1 to 400");
            }
        });
        var command = new Command("stats", "Follows and unfollows per day, hits per rule, follows per QR scene, top unanswered texts (needs BrandBot:Redis).") { account, days, settings, json };
        command.SetAction(parsed => RulesCommands.WithStoreAsync(parsed.GetValue(settings), error, store =>
            RunAsync(store, parsed.GetValue(account)!, parsed.GetValue(days), parsed.GetValue(json), output)));
        return command;
    }

    private static async Task<int> RunAsync(CommandStore store, string account, int days, bool json, TextWriter output)
    {
        var today = StatsDay.Of(DateTimeOffset.UtcNow, TimeSpan.FromHours(store.Options.StatsUtcOffsetHours));
        var daily = new List<DailyStats>();
        for (var i = days - 1; i >= 0; i--)
        {
            daily.Add(await store.Stats.ReadAsync(account, today.AddDays(-i)));
        }

        if (json)
        {
            CommonOptions.WriteJson(output, new
            {
                account,
                days,
                to = today,
                daily = daily.Select(d => new { day = d.Day, follows = d.Follows, unfollows = d.Unfollows, ruleHits = d.RuleHits.Values.Sum() }),
                channels = Sum(daily.Select(d => d.SceneFollows)).Select(p => new { scene = p.Key, follows = p.Value }),
                rules = Sum(daily.Select(d => d.RuleHits)).Select(p => new { rule = p.Key, hits = p.Value }),
                unanswered = TopUnanswered(daily).Select(p => new { text = p.Key, count = p.Value }),
            });
            return Cli.Done;
        }

        output.WriteLine($"account '{account}', {days} day(s) to {today:yyyy-MM-dd}");
        output.WriteLine($"{"day",-10}  {"follows",7}  {"unfollows",9}  {"rule hits",9}");
        foreach (var day in daily)
        {
            output.WriteLine($"{day.Day:yyyy-MM-dd}  {day.Follows,7}  {day.Unfollows,9}  {day.RuleHits.Values.Sum(),9}");
        }

        Section(output, "hits per rule", Sum(daily.Select(d => d.RuleHits)));
        Section(output, "follows per QR scene", Sum(daily.Select(d => d.SceneFollows)));
        Section(output, "top unanswered texts", TopUnanswered(daily));
        return Cli.Done;
    }

    private static IEnumerable<KeyValuePair<string, long>> TopUnanswered(IEnumerable<DailyStats> daily) =>
        Sum(daily.Select(d => d.TopUnanswered.ToDictionary(p => p.Key, p => p.Value))).Take(20);

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
