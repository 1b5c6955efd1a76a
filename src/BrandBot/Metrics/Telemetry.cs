using System.Diagnostics.Metrics;
using BrandBot.Delivery;
using BrandBot.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BrandBot.Metrics;

/// <summary>
/// One OpenTelemetry pipeline for metrics and traces. Metrics always feed <c>/metrics</c>; with a
/// collector configured (<c>OtlpEndpoint</c> or OTEL_EXPORTER_OTLP_ENDPOINT) they and the traces of the
/// request path also go out over OTLP/HTTP.
/// </summary>
public static class Telemetry
{
    /// <summary>
    /// BrandBot's meter plus what ops teams expect beside it on one scrape: ASP.NET Core's request
    /// duration, Kestrel's connections and the runtime's GC, thread pool and memory series.
    /// </summary>
    public static readonly string[] Meters = [BrandBotMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", RuntimeMeter];

    private const string RuntimeMeter = "System.Runtime";

    /// <summary>How often metrics are pushed to a collector; Prometheus pulls at its own pace.</summary>
    public static readonly TimeSpan OtlpMetricsInterval = TimeSpan.FromSeconds(10);

    public static IServiceCollection AddTelemetry(this IServiceCollection services, BrandBotOptions options)
    {
        services.AddMetrics();
        services.AddSingleton<BrandBotMetrics>();
        var endpoint = string.IsNullOrEmpty(options.OtlpEndpoint) ? null : options.OtlpEndpoint.TrimEnd('/');
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("brandbot"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                // A meter listener matches meters by name, so on its own it would also count the
                // meters of any other host in the process (the tests run several side by side). Keep
                // the meters this host's factory made, and the process-wide ones (the runtime's).
                metrics.AddPrometheusExporter(prometheus =>
                {
                    // Every scrape sees what happened up to that moment (the default caches 300 ms).
                    prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                    // Series keep exactly the labels the README documents (alerts match on them);
                    // the meter a series comes from is already in its name.
                    prometheus.ScopeInfoEnabled = false;
                });
                if (endpoint is not null)
                {
                    metrics.AddOtlpExporter((otlp, reader) =>
                    {
                        otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                        otlp.Endpoint = new Uri(endpoint + "/v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)OtlpMetricsInterval.TotalMilliseconds;
                    });
                }
            });

        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var own = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop);
        });

        if (endpoint is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(Tracing.SourceName)
                // ASP.NET's own request activity is the parent but is not recorded (its source is left
                // out: its tags would carry the query string with the OpenID), so parent-based sampling
                // would drop every span of ours.
                .SetSampler(new AlwaysOnSampler())
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                    otlp.Endpoint = new Uri(endpoint + "/v1/traces");
                    otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
                }));
        }

        return services;
    }
}
