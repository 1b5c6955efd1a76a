using System.Collections.Concurrent;
using System.Globalization;
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

        protected string LabelText(string[] values, string? extraName = null, string? extraValue = null)
        {
            var parts = Labels.Select((l, i) => $"{l}=\"{Escape(i < values.Length ? values[i] : "")}\"").ToList();
            if (extraName is not null)
            {
                parts.Add($"{extraName}=\"{extraValue}\"");
            }

            return parts.Count == 0 ? "" : "{" + string.Join(',', parts) + "}";
        }

        protected static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

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

    public long Value(params string[] labelValues) =>
        _series.TryGetValue(string.Join('\u0001', labelValues), out var series) ? Interlocked.Read(ref series.Count.Value) : 0;

    protected override void RenderSamples(StringBuilder text)
    {
        foreach (var (values, count) in _series.Values)
        {
            text.Append(Name).Append(LabelText(values)).Append(' ').Append(Interlocked.Read(ref count.Value)).Append('\n');
        }
    }
}

public sealed class Histogram(string name, string help, double[] buckets, string[] labels) : MetricsRegistry.Family(name, help, "histogram", labels)
{
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public void Observe(double value, params string[] labelValues)
    {
        var series = _series.GetOrAdd(string.Join('\u0001', labelValues), static (_, state) => new Series(state.Values, state.Buckets.Length), (Values: labelValues, Buckets: buckets));
        var index = Array.FindIndex(buckets, b => value <= b);
        Interlocked.Increment(ref series.Counts[index < 0 ? buckets.Length : index]);
        lock (series)
        {
            series.Sum += value;
        }
    }

    protected override void RenderSamples(StringBuilder text)
    {
        foreach (var series in _series.Values)
        {
            long cumulative = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref series.Counts[i]);
                text.Append(Name).Append("_bucket").Append(LabelText(series.Values, "le", Number(buckets[i]))).Append(' ').Append(cumulative).Append('\n');
            }

            cumulative += Interlocked.Read(ref series.Counts[buckets.Length]);
            text.Append(Name).Append("_bucket").Append(LabelText(series.Values, "le", "+Inf")).Append(' ').Append(cumulative).Append('\n');
            text.Append(Name).Append("_sum").Append(LabelText(series.Values)).Append(' ').Append(Number(series.Sum)).Append('\n');
            text.Append(Name).Append("_count").Append(LabelText(series.Values)).Append(' ').Append(cumulative).Append('\n');
        }
    }

    private sealed class Series(string[] values, int buckets)
    {
        public string[] Values { get; } = values;

        public long[] Counts { get; } = new long[buckets + 1];

        public double Sum { get; set; }
    }
}

/// <summary>A mutable box for a counter value that Interlocked can update in place.</summary>
public sealed class StrongBox<T>
{
    public T Value = default!;
}
