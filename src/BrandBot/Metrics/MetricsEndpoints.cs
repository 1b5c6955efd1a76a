using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BrandBot.Metrics;

public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", static (MetricsRegistry registry) =>
            Results.Text(registry.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }
}
