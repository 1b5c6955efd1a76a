using System.CommandLine;
using BrandBot.Rules.Stats;

namespace BrandBot.Commands;

/// <summary><c>rules stats</c>: hits per rule, follows and unfollows, per-channel (QR scene) figures, menu clicks, top unanswered texts.</summary>
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
        var command = new Command("stats", "Follows and unfollows per day, hits per rule, per QR channel scans/follows/unfollows/net/retention, menu clicks, top unanswered texts (needs BrandBot:Redis).") { account, days, settings, json };
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
                channels = Channels(daily, today),
                menu = Sum(daily.Select(d => d.MenuClicks)).Select(p => new { key = p.Key, clicks = p.Value }),
                flows = Funnels(daily).Select(f => f.Counts.ToDictionary(c => c.Key, c => (object)c.Value).Prepend(new KeyValuePair<string, object>("flow", f.Flow)).ToDictionary()),
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
        output.WriteLine();
        output.WriteLine("channels (QR scenes):");
        output.WriteLine($"  {"scene",-24}  {"scans",6}  {"follows",7}  {"unfollows",9}  {"net",6}  {"1 day",6}  {"7 days",6}  {"30 days",7}");
        var channels = Channels(daily, today);
        foreach (var c in channels)
        {
            output.WriteLine($"  {c.Scene,-24}  {c.Scans,6}  {c.Follows,7}  {c.Unfollows,9}  {c.Net,6}  {Percent(c.Retained1d),6}  {Percent(c.Retained7d),6}  {Percent(c.Retained30d),7}");
        }

        if (channels.Count == 0)
        {
            output.WriteLine("  (none)");
        }

        output.WriteLine("  (1/7/30 days: the share of a scene's followers still following that long after; - until a day of them is that old)");
        Section(output, "menu clicks (CLICK key or VIEW link)", Sum(daily.Select(d => d.MenuClicks)));
        output.WriteLine();
        output.WriteLine("flows (started → completed; the rest are exits):");
        var funnels = Funnels(daily);
        foreach (var (flow, counts) in funnels)
        {
            output.WriteLine($"  {flow}: " + string.Join("  ", counts.Select(c => $"{c.Key} {c.Value}")));
        }

        if (funnels.Count == 0)
        {
            output.WriteLine("  (none)");
        }
        Section(output, "top unanswered texts", TopUnanswered(daily));
        return Cli.Done;
    }

    /// <summary>One QR scene's figures over the window (README "rules stats").</summary>
    private sealed record Channel(string Scene, long Scans, long Follows, long Unfollows, long Net, double? Retained1d, double? Retained7d, double? Retained30d);

    /// <summary>
    /// Per scene: scans, follows, unfollows of followers it brought, net; and, of the followers it
    /// brought on the window's days at least N days ago, the share that did not leave within N days.
    /// </summary>
    private static List<Channel> Channels(List<DailyStats> daily, DateOnly today)
    {
        var scenes = daily.SelectMany(d => d.SceneFollows.Keys.Concat(d.Scans.Keys).Concat(d.SceneUnfollows.Keys)).Distinct(StringComparer.Ordinal);
        double? Retained(string scene, int days)
        {
            var cohorts = daily.Where(d => d.Day.AddDays(days) <= today).ToList();
            var followed = cohorts.Sum(d => d.SceneFollows.GetValueOrDefault(scene));
            if (followed == 0)
            {
                return null;
            }

            var left = cohorts.Sum(d => d.SceneLeft.GetValueOrDefault(Retention.LeftKey(scene, days)));
            return Math.Round(1.0 - ((double)Math.Min(left, followed) / followed), 4);
        }

        return [.. scenes.Select(scene =>
        {
            var follows = daily.Sum(d => d.SceneFollows.GetValueOrDefault(scene));
            var unfollows = daily.Sum(d => d.SceneUnfollows.GetValueOrDefault(scene));
            return new Channel(scene, daily.Sum(d => d.Scans.GetValueOrDefault(scene)), follows, unfollows, follows - unfollows, Retained(scene, 1), Retained(scene, 7), Retained(scene, 30));
        }).OrderByDescending(c => c.Follows).ThenBy(c => c.Scene, StringComparer.Ordinal)];
    }

    private static readonly string[] FlowEventNames = ["started", "step_valid", "step_invalid", "exhausted", "cancelled", "interrupted", "timed_out", "completed", "backend_late"];

    /// <summary>Per flow, every funnel event (0 when it did not happen), in funnel order.</summary>
    private static List<(string Flow, List<KeyValuePair<string, long>> Counts)> Funnels(List<DailyStats> daily)
    {
        var totals = Sum(daily.Select(d => d.FlowEvents)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return [.. totals.Keys.Select(k => k.Split('\n')[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(flow => (flow, FlowEventNames.Select(e => new KeyValuePair<string, long>(e, totals.GetValueOrDefault($"{flow}\n{e}"))).ToList()))];
    }

    private static string Percent(double? share) => share is { } value ? $"{value:P0}".Replace(" ", "", StringComparison.Ordinal) : "-";

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
