namespace BrandBot.Rules.Stats;

/// <summary>One QR scene's figures over a window of days (docs/operator-verbs.md, dashboard Channels).</summary>
public sealed record ChannelFigures(string Scene, long Scans, long Follows, long Unfollows, long Net, double? Retained1d, double? Retained7d, double? Retained30d);

/// <summary>
/// Sums a window of <see cref="DailyStats"/> into what operators read: per-channel figures with
/// retention, flow funnels, rankings. Shared by <c>rules stats</c> and the dashboard so both say the same.
/// </summary>
public static class StatsReport
{
    public static readonly IReadOnlyList<string> FlowEventNames = ["started", "step_valid", "step_invalid", "exhausted", "cancelled", "interrupted", "timed_out", "completed", "backend_late"];

    /// <summary>Reads <paramref name="days"/> days up to and including <paramref name="to"/>, oldest first.</summary>
    public static async Task<List<DailyStats>> ReadWindowAsync(IHitStats stats, string account, DateOnly to, int days, int topUnanswered = 20, CancellationToken cancellationToken = default)
    {
        var reads = Enumerable.Range(0, days).Select(i => stats.ReadAsync(account, to.AddDays(i - days + 1), topUnanswered, cancellationToken)).ToList();
        return [.. await Task.WhenAll(reads)];
    }

    /// <summary>
    /// Per scene: scans (SCAN events plus follows through the code), follows, unfollows of followers it brought, net; and, of the followers it
    /// brought on the window's days at least N days before <paramref name="today"/>, the share that did
    /// not leave within N days (null until such a day exists).
    /// </summary>
    public static List<ChannelFigures> Channels(IReadOnlyList<DailyStats> daily, DateOnly today)
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
            // Every scan of the code: SCAN by existing followers, and the follows it brought (a new follower's scan).
            return new ChannelFigures(scene, daily.Sum(d => d.Scans.GetValueOrDefault(scene)) + follows, follows, unfollows, follows - unfollows, Retained(scene, 1), Retained(scene, 7), Retained(scene, 30));
        }).OrderByDescending(c => c.Follows).ThenBy(c => c.Scene, StringComparer.Ordinal)];
    }

    /// <summary>Per flow, every funnel event (0 when it did not happen), in funnel order.</summary>
    public static List<(string Flow, List<KeyValuePair<string, long>> Counts)> Funnels(IEnumerable<DailyStats> daily)
    {
        var totals = Sum(daily.Select(d => d.FlowEvents)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return [.. totals.Keys.Select(k => k.Split('\n')[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(flow => (flow, FlowEventNames.Select(e => new KeyValuePair<string, long>(e, totals.GetValueOrDefault($"{flow}\n{e}"))).ToList()))];
    }

    /// <summary>The window's top unanswered texts (each day keeps its own top list).</summary>
    public static IEnumerable<KeyValuePair<string, long>> TopUnanswered(IEnumerable<DailyStats> daily, int count = 20) =>
        Sum(daily.Select(d => d.TopUnanswered.ToDictionary(p => p.Key, p => p.Value))).Take(count);

    /// <summary>Adds the days' counts per key; largest first, ties by key.</summary>
    public static IEnumerable<KeyValuePair<string, long>> Sum(IEnumerable<IReadOnlyDictionary<string, long>> days) =>
        days.SelectMany(d => d)
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, long>(g.Key, g.Sum(p => p.Value)))
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal);
}
