using System.CommandLine;
using BrandBot.Rules.Stats;

namespace BrandBot.Commands;

/// <summary><c>rules stats</c>: hits per rule, follows and unfollows, per-channel (QR scene) figures, menu clicks, top unanswered texts.</summary>
internal static class RulesStatsCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var (account, settings, json) = (CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.Json());
        var days = new Option<int>("--days") { Description = "how many days up to today (1 to 400)", HelpName = "N", DefaultValueFactory = _ => BrandBot.Dashboard.StatsWindow.DefaultDays };
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
        var daily = await StatsReport.ReadWindowAsync(store.Stats, account, today, days);

        if (json)
        {
            CommonOptions.WriteJson(output, new
            {
                account,
                days,
                to = today,
                daily = daily.Select(d => new { day = d.Day, follows = d.Follows, unfollows = d.Unfollows, ruleHits = d.RuleHits.Values.Sum() }),
                channels = StatsReport.Channels(daily, today),
                menu = StatsReport.Sum(daily.Select(d => d.MenuClicks)).Select(p => new { key = p.Key, clicks = p.Value }),
                flows = StatsReport.Funnels(daily).Select(f => f.Counts.ToDictionary(c => c.Key, c => (object)c.Value).Prepend(new KeyValuePair<string, object>("flow", f.Flow)).ToDictionary()),
                rules = StatsReport.Sum(daily.Select(d => d.RuleHits)).Select(p => new { rule = p.Key, hits = p.Value }),
                unanswered = StatsReport.TopUnanswered(daily).Select(p => new { text = p.Key, count = p.Value }),
            });
            return Cli.Done;
        }

        output.WriteLine($"account '{account}', {days} day(s) to {today:yyyy-MM-dd}");
        output.WriteLine($"{"day",-10}  {"follows",7}  {"unfollows",9}  {"rule hits",9}");
        foreach (var day in daily)
        {
            output.WriteLine($"{day.Day:yyyy-MM-dd}  {day.Follows,7}  {day.Unfollows,9}  {day.RuleHits.Values.Sum(),9}");
        }

        Section(output, "hits per rule", StatsReport.Sum(daily.Select(d => d.RuleHits)));
        output.WriteLine();
        output.WriteLine("channels (QR scenes):");
        output.WriteLine($"  {"scene",-24}  {"scans",6}  {"follows",7}  {"unfollows",9}  {"net",6}  {"1 day",6}  {"7 days",6}  {"30 days",7}");
        var channels = StatsReport.Channels(daily, today);
        foreach (var c in channels)
        {
            output.WriteLine($"  {c.Scene,-24}  {c.Scans,6}  {c.Follows,7}  {c.Unfollows,9}  {c.Net,6}  {Percent(c.Retained1d),6}  {Percent(c.Retained7d),6}  {Percent(c.Retained30d),7}");
        }

        if (channels.Count == 0)
        {
            output.WriteLine("  (none)");
        }

        output.WriteLine("  (1/7/30 days: the share of a scene's followers still following that long after; - until a day of them is that old)");
        Section(output, "menu clicks (CLICK key or VIEW link)", StatsReport.Sum(daily.Select(d => d.MenuClicks)));
        output.WriteLine();
        output.WriteLine("flows (started → completed; the rest are exits):");
        var funnels = StatsReport.Funnels(daily);
        foreach (var (flow, counts) in funnels)
        {
            output.WriteLine($"  {flow}: " + string.Join("  ", counts.Select(c => $"{c.Key} {c.Value}")));
        }

        if (funnels.Count == 0)
        {
            output.WriteLine("  (none)");
        }
        Section(output, "top unanswered texts", StatsReport.TopUnanswered(daily));
        return Cli.Done;
    }

    private static string Percent(double? share) => share is { } value ? $"{value:P0}".Replace(" ", "", StringComparison.Ordinal) : "-";

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
