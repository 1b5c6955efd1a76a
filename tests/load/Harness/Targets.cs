using System.Globalization;
using System.Text;
using BrandBot.Protocol.Simulation;

namespace BrandBot.Load;

/// <summary>The request-path targets (tests/load/README.md), judged on the rows of this run (safe mode; the cold row is BrandBot 3 s after /readyz).</summary>
internal static class Targets
{
    public static string Check(IReadOnlyList<Row> rows, Footprint? pushBytes)
    {
        Row? Find(string prefix, int? rules = null) =>
            rows.FirstOrDefault(r => r.Mode == PushMode.Safe && r.Target.StartsWith(prefix, StringComparison.Ordinal) && (rules is null || r.Rules == rules));

        var floor = Find("floor (bare");
        var oneCall = Find("floor + one Redis call");
        var cold = Find("BrandBot (Redis), 3 s");
        var warm = rows.FirstOrDefault(r => r.Mode == PushMode.Safe && r.Target == "BrandBot (Redis: dedup, stats)" && r.Rules == cold?.Rules);
        var big = rows.Where(r => r.Target == "BrandBot (Redis: dedup, stats)").MaxBy(r => r.Rules);
        var peer = Find("node-webot");
        var text = new StringBuilder("Targets (safe mode, Redis, 3 s after /readyz):").AppendLine();
        void Line(string what, double? value, double? limit, bool atLeast, string unit = "×")
        {
            var verdict = value is null || limit is null ? "not measured" : (atLeast ? value >= limit : value <= limit) ? "met" : "NOT met";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- {what}: {(value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) + unit : "—")} ({(atLeast ? "≥" : "≤")} {limit?.ToString("F2", CultureInfo.InvariantCulture)}{unit}) {verdict}"));
        }

        Line("vs the floor", Ratio(cold?.Rps, floor?.Rps), 0.45, atLeast: true);
        Line("vs the floor with one Redis call", Ratio(cold?.Rps, oneCall?.Rps), 1.8, atLeast: true);
        Line("vs node-webot", Ratio(cold?.Rps, peer?.Rps), 4, atLeast: true);
        Line("p99 vs the floor's p99", Ratio(cold?.P99Ms, floor?.P99Ms), 2, atLeast: false);
        Line("errors", cold?.Errors, 0, atLeast: false, unit: "");
        Line("30 s row vs 3 s row", Ratio(warm?.Rps, cold?.Rps), 1, atLeast: true);
        Line($"peak RSS with {big?.Rules:N0} rules", big?.PeakMb, 300, atLeast: false, unit: " MB");
        Line("Redis per remembered push", pushBytes?.BytesPerRecord, 64, atLeast: false, unit: " B");
        return text.ToString();
    }

    private static double? Ratio(double? value, double? reference) => value is { } v && reference is > 0 ? v / reference : null;
}
