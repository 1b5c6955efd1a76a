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

        protected string LabelText(string[] values)
        {
            var parts = Labels.Select((l, i) => $"{l}=\"{Escape(i < values.Length ? values[i] : "")}\"").ToList();
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
