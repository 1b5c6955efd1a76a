using BrandBot.Dashboard;
using BrandBot.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BrandBot.Metrics;

/// <summary>
/// Which listener answers <c>/metrics</c> and <c>/selftest</c>, told apart by the port a request came in
/// on (never its Host): <c>BrandBot:Metrics:Urls</c> when set, else the dashboard's listener when there
/// is one, else the webhook's port. The metrics listener serves nothing else but the health probes.
/// </summary>
public static class MetricsListener
{
    /// <summary>What an operator, not a follower or WeChat, asks for.</summary>
    public static readonly IReadOnlyList<string> OperationsPaths = ["/metrics", "/selftest"];

    private static readonly IReadOnlyList<string> HealthPaths = ["/healthz", "/readyz"];

    /// <summary>Every URL the host listens on: the webhook's, the dashboard's, the metrics'.</summary>
    public static void Listen(IWebHostBuilder host, IReadOnlyList<string> webhookUrls, BrandBotOptions options)
    {
        if (options.Dashboard.Enabled || options.Metrics.Enabled || options.Api.Enabled)
        {
            host.UseUrls([.. webhookUrls, .. options.Dashboard.UrlList, .. options.Metrics.UrlList, .. options.Api.UrlList]);
        }
    }

    /// <summary>The dashboard's port separation (letting the operations paths through when they live there), then the metrics listener's.</summary>
    public static void UseListenerSeparation(this WebApplication app, BrandBotOptions options)
    {
        var dashboardPorts = options.Dashboard.UrlList.Select(DashboardListener.PortOf).ToHashSet();
        if (options.Dashboard.Enabled)
        {
            app.UsePortSeparation(dashboardPorts, options.Metrics.Enabled ? [] : OperationsPaths);
        }

        if (!options.Metrics.Enabled && !options.Dashboard.Enabled)
        {
            // One listener: /metrics and /selftest stay on it, as they always were (docs/configuration.md).
            return;
        }

        var metricsPorts = options.Metrics.UrlList.Select(DashboardListener.PortOf).ToHashSet();
        var operationsPorts = options.Metrics.Enabled ? metricsPorts : dashboardPorts;
        app.Use((context, next) =>
        {
            var port = context.Connection.LocalPort;
            var path = context.Request.Path;
            var refused = Is(path, OperationsPaths)
                ? !operationsPorts.Contains(port)
                : metricsPorts.Contains(port) && !Is(path, HealthPaths);
            if (refused)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }

    private static bool Is(PathString path, IReadOnlyList<string> paths)
    {
        foreach (var candidate in paths)
        {
            // Segments, not equality: routing answers "/metrics/" as "/metrics".
            if (path.StartsWithSegments(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
