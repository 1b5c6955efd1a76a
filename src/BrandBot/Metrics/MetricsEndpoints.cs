using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BrandBot.Metrics;

public static class MetricsEndpoints
{
    /// <summary>
    /// <c>/metrics</c>, rendered by OpenTelemetry's Prometheus exporter from the meters registered in
    /// <see cref="Telemetry"/>. Scrapes are left out of ASP.NET's own request metrics, so the request
    /// duration histogram describes webhook traffic only.
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").DisableHttpMetrics();
        return app;
    }
}
