using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace BrandBot.Metrics;

/// <summary>
/// A small Prometheus registry: labelled counters and histograms, rendered in the text exposition
/// format. Per process; Prometheus sums across instances.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly ConcurrentDictionary<string, Family> _families = new(StringComparer.Ordinal);

    public Counter Counter(string name, string help, params string[] labels) =>
        (Counter)_families.GetOrAdd(name, _ => new Counter(name, help, labels));

    public Histogram Histogram(string name, string help, double[] buckets, params string[] labels) =>
        (Histogram)_families.GetOrAdd(name, _ => new Histogram(name, help, buckets, labels));

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            family.Render(text);
        }

        return text.ToString();
    }

    public abstract class Family(string name, string help, string type, string[] labels)
    {
        public string Name { get; } = name;

        protected string[] Labels { get; } = labels;

        public void Render(StringBuilder text)
        {
            text.Append("# HELP ").Append(Name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            RenderSamples(text);
        }

        protected abstract void RenderSamples(StringBuilder text);

        protected string LabelText(string[] values, string? extra = null)
        {
            var parts = Labels.Select((l, i) => $"{l}=\"{Escape(i < values.Length ? values[i] : "")}\"").ToList();
            if (extra is not null)
            {
                parts.Add(extra);
            }

            return parts.Count == 0 ? "" : "{" + string.Join(',', parts) + "}";
        }

        private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
    }
}

public sealed class Counter(string name, string help, string[] labels) : MetricsRegistry.Family(name, help, "counter", labels)
{
    private readonly ConcurrentDictionary<string, (string[] Values, StrongBox<long> Count)> _series = new(StringComparer.Ordinal);

    public void Inc(params string[] labelValues) => Add(1, labelValues);

    public void Add(long amount, params string[] labelValues)
    {
        var series = _series.GetOrAdd(string.Join('\u0001', labelValues), static (_, v) => (v, new StrongBox<long>()), labelValues);
        Interlocked.Add(ref series.Count.Value, amount);
    }

    protected override void RenderSamples(StringBuilder text)
    {
        foreach (var (values, count) in _series.Values)
        {
            text.Append(Name).Append(LabelText(values)).Append(' ').Append(Interlocked.Read(ref count.Value)).Append('\n');
        }
    }
}

/// <summary>A Prometheus histogram: cumulative buckets, sum and count per label set.</summary>
public sealed class Histogram(string name, string help, double[] buckets, string[] labels) : MetricsRegistry.Family(name, help, "histogram", labels)
{
    private readonly double[] _bounds = [.. buckets.Order()];
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public void Observe(double value, params string[] labelValues)
    {
        var series = _series.GetOrAdd(string.Join('\u0001', labelValues), static (_, state) => new Series(state.Values, state.Bounds.Length), (Values: labelValues, Bounds: _bounds));
        var index = Array.BinarySearch(_bounds, value);
        // The first bucket whose upper bound is at least the value (the +Inf bucket is Count).
        index = index >= 0 ? index : ~index;
        if (index < _bounds.Length)
        {
            Interlocked.Increment(ref series.Buckets[index]);
        }

        Interlocked.Increment(ref series.Count);
        series.AddToSum(value);
    }

    protected override void RenderSamples(StringBuilder text)
    {
        foreach (var series in _series.Values)
        {
            long cumulative = 0;
            for (var i = 0; i < _bounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref series.Buckets[i]);
                var bound = _bounds[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                text.Append(Name).Append("_bucket").Append(LabelText(series.Values, $"le=\"{bound}\"")).Append(' ').Append(cumulative).Append('\n');
            }

            var count = Interlocked.Read(ref series.Count);
            text.Append(Name).Append("_bucket").Append(LabelText(series.Values, "le=\"+Inf\"")).Append(' ').Append(count).Append('\n');
            var sum = series.Sum;

            text.Append(Name).Append("_sum").Append(LabelText(series.Values)).Append(' ').Append(sum.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            text.Append(Name).Append("_count").Append(LabelText(series.Values)).Append(' ').Append(count).Append('\n');
        }
    }

    private sealed class Series(string[] values, int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        public long Count;
        private double _sum;

        public string[] Values { get; } = values;

        public double Sum => Volatile.Read(ref _sum);

        /// <summary>Lock-free: observed on every push.</summary>
        public void AddToSum(double value)
        {
            double seen, updated;
            do
            {
                seen = Volatile.Read(ref _sum);
                updated = seen + value;
            }
            while (Interlocked.CompareExchange(ref _sum, updated, seen) != seen);
        }
    }
}
