using System.Globalization;
using System.Text;
using BrandBot.Protocol.Simulation;

namespace BrandBot.Load;

/// <summary>
/// The targets for safe mode at plain mode's cost (tests/load/README.md, "Targets"), judged on the rows
/// of this run: safe mode, Redis, the headline rule count, 3 s after /readyz (the cold row) against the
/// floor and node-webot; safe against plain of the same build on the rows loaded after the warm-up
/// (the only rows measured in both modes); the peak with the large rule set.
/// </summary>
internal static class Targets
{
    public static string Check(IReadOnlyList<Row> rows)
    {
        Row? Find(PushMode mode, string prefix) =>
            rows.FirstOrDefault(r => r.Mode == mode && r.Target.StartsWith(prefix, StringComparison.Ordinal));

        const string Headline = "BrandBot (Redis: dedup, stats)";
        var floor = Find(PushMode.Safe, "floor (bare");
        var cold = Find(PushMode.Safe, "BrandBot (Redis), 3 s");
        var safe = rows.FirstOrDefault(r => r.Mode == PushMode.Safe && r.Target == Headline && r.Rules == cold?.Rules);
        var plain = rows.FirstOrDefault(r => r.Mode == PushMode.Plain && r.Target == Headline && r.Rules == cold?.Rules);
        var big = rows.Where(r => r.Target == Headline).MaxBy(r => r.Rules);
        var peer = Find(PushMode.Safe, "node-webot");
        var brandBotErrors = rows.Any(r => r.Target.StartsWith("BrandBot", StringComparison.Ordinal))
            ? rows.Where(r => r.Target.StartsWith("BrandBot", StringComparison.Ordinal)).Sum(r => r.Errors)
            : (long?)null;

        var text = new StringBuilder($"Targets (safe mode, Redis, {cold?.Rules:N0} rules, 3 s after /readyz unless said):").AppendLine();
        void Line(string what, double? value, double limit, bool atLeast, string unit = "×", string format = "F2", bool strictlyBelow = false)
        {
            var verdict = value is null ? "not measured" : (atLeast ? value >= limit : strictlyBelow ? value < limit : value <= limit) ? "met" : "NOT met";
            var shown = value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) + unit : "—";
            var bound = atLeast ? "≥" : strictlyBelow ? "<" : "≤";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- {what}: {shown} ({bound} {limit.ToString(format, CultureInfo.InvariantCulture)}{unit}) {verdict}"));
        }

        Line("vs the floor", Ratio(cold?.Rps, floor?.Rps), 0.40, atLeast: true);
        Line("safe vs plain of this build (rows after the warm-up)", Ratio(safe?.Rps, plain?.Rps), 0.90, atLeast: true);
        Line("vs node-webot safe", Ratio(cold?.Rps, peer?.Rps), 2.5, atLeast: true);
        Line("p99 vs the floor's p99", Ratio(cold?.P99Ms, floor?.P99Ms), 3, atLeast: false);
        Line("errors, every BrandBot row", brandBotErrors, 0, atLeast: false, unit: "", format: "F0");
        // VmHWM: start-up (loading and compiling the rules) and serving both count.
        Line($"peak RSS with {big?.Rules:N0} rules", big?.PeakMb, 300, atLeast: false, unit: " MB", format: "F0", strictlyBelow: true);
        return text.ToString();
    }

    private static double? Ratio(double? value, double? reference) => value is { } v && reference is > 0 ? v / reference : null;
}
