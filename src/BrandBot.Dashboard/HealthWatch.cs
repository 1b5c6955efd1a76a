using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace BrandBot.Dashboard;

/// <summary>
/// What the Health page shows of this instance, heard from BrandBot's own meter (the instruments
/// Prometheus scrapes): the latest push durations, rejections by reason, budget fallbacks and Redis
/// errors since start. Listens only while the dashboard is on; the request path records into the
/// meter as always and does nothing extra for this.
/// </summary>
public sealed class HealthWatch : IDisposable
{
    /// <summary>How many of the latest push durations the percentiles are taken over.</summary>
    public const int Window = 2048;

    private readonly MeterListener _listener = new();
    private readonly double[] _durations = new double[Window];
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _recorded;

    /// <param name="meters">The host's meter factory: only its BrandBot meter is heard, not another host's in the same process.</param>
    public HealthWatch(IMeterFactory meters, DashboardHost host)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == host.MeterName && ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name is
                "brandbot_push_duration_seconds" or "brandbot_rejections_total" or "brandbot_budget_fallbacks_total" or "brandbot_redis_errors_total" or "brandbot_rate_limited_total" or "brandbot_dedup_hits_total")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            var at = Interlocked.Increment(ref _recorded) - 1;
            _durations[at % Window] = value;
        });
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                if (tag.Key is "reason" or "outcome" or "scope")
                {
                    key = $"{instrument.Name}:{tag.Value}";
                }
            }

            _counts.AddOrUpdate(key, value, (_, n) => n + value);
        });
        _listener.Start();
    }

    /// <summary>Pushes timed since start, and p50/p95/p99/max in milliseconds over the latest <see cref="Window"/>.</summary>
    public LatencySummary Latency()
    {
        var recorded = Interlocked.Read(ref _recorded);
        var n = (int)Math.Min(recorded, Window);
        if (n == 0)
        {
            return new LatencySummary(0, null, null, null, null);
        }

        var sample = _durations.AsSpan(0, n).ToArray();
        Array.Sort(sample);
        double Ms(double q) => Math.Round(sample[Math.Min(n - 1, (int)Math.Ceiling(q * n) - 1)] * 1000, 2);
        return new LatencySummary(recorded, Ms(0.50), Ms(0.95), Ms(0.99), Math.Round(sample[^1] * 1000, 2));
    }

    /// <summary>Counts since start: rejections by reason, budget fallbacks, Redis errors, rate limits, dedup hits.</summary>
    public IReadOnlyDictionary<string, long> Counts() => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);

    public void Dispose() => _listener.Dispose();
}

public sealed record LatencySummary(long Pushes, double? P50Ms, double? P95Ms, double? P99Ms, double? MaxMs);
