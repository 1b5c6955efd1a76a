using BrandBot.Api;
using BrandBot.Dashboard;
using BrandBot.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BrandBot.Hosting;

/// <summary>
/// The host's listeners (the webhook's and, when configured, the dashboard's, the metrics listener's and the
/// API's), and which of them may answer a request, decided by the port its connection came in on (never the Host
/// header, which the client writes) and what the path belongs to: <c>/admin</c> to the dashboard,
/// <c>/api</c> to the outbound API, <c>/metrics</c> and <c>/selftest</c> to the metrics listener (else
/// the dashboard's, else the webhook's), the health probes to every listener but the dashboard's, the
/// rest to the webhook (docs/configuration.md#listeners). One step for all listeners, added only when
/// there is more than the webhook's: a single-listener host pays nothing per request.
/// </summary>
internal sealed class Listeners
{
    private static readonly string[] OperationsPaths = ["/metrics", "/selftest"];
    private static readonly string[] HealthPaths = ["/healthz", "/readyz"];

    private readonly Dictionary<int, Listener> _listenerOfPort = [];
    private readonly Listener _operations;
    private readonly bool _api;

    private Listeners(BrandBotOptions options)
    {
        Claim(options.Dashboard.UrlList, Listener.Dashboard);
        Claim(options.Metrics.UrlList, Listener.Metrics);
        Claim(options.Api.UrlList, Listener.Api);
        _operations = options.Metrics.Enabled ? Listener.Metrics : options.Dashboard.Enabled ? Listener.Dashboard : Listener.Webhook;
        _api = options.Api.Enabled;
    }

    private enum Listener
    {
        Webhook,
        Dashboard,
        Metrics,
        Api,
    }

    /// <summary>Every URL the host listens on: the webhook's, the dashboard's, the metrics listener's, the API's.</summary>
    public static void Listen(IWebHostBuilder host, IReadOnlyList<string> webhookUrls, BrandBotOptions options)
    {
        if (options.Dashboard.Enabled || options.Metrics.Enabled || options.Api.Enabled)
        {
            host.UseUrls([.. webhookUrls, .. options.Dashboard.UrlList, .. options.Metrics.UrlList, .. options.Api.UrlList]);
        }
    }

    /// <summary>The separation step, when there is more than one listener.</summary>
    public static void UseSeparation(WebApplication app, BrandBotOptions options)
    {
        if (options.Dashboard.Enabled || options.Metrics.Enabled || options.Api.Enabled)
        {
            app.Use(new Listeners(options).InvokeAsync);
        }
    }

    private Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var on = _listenerOfPort.GetValueOrDefault(context.Connection.LocalPort, Listener.Webhook);
        var path = context.Request.Path;
        if (on == Listener.Dashboard && (!path.HasValue || path == "/") && HttpMethods.IsGet(context.Request.Method))
        {
            // The address Dashboard:Urls names is what an operator types: it leads to the dashboard.
            context.Response.Redirect(context.Request.PathBase + DashboardListener.PathPrefix);
            return Task.CompletedTask;
        }

        var allowed = OwnerOf(path) is { } owner ? owner == on : on != Listener.Dashboard;
        if (!allowed)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>The listener a path belongs to, or null for the health probes, which every listener but the dashboard's answers.</summary>
    private Listener? OwnerOf(PathString path)
    {
        if (path.StartsWithSegments(DashboardListener.PathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Listener.Dashboard;
        }

        if (_api && path.StartsWithSegments(ApiListener.PathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Listener.Api;
        }

        // Segments, not equality: routing answers "/metrics/" as "/metrics".
        if (StartsWithAny(path, OperationsPaths))
        {
            return _operations;
        }

        return StartsWithAny(path, HealthPaths) ? null : Listener.Webhook;
    }

    private static bool StartsWithAny(PathString path, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void Claim(IEnumerable<string> urls, Listener listener)
    {
        foreach (var url in urls)
        {
            _listenerOfPort[DashboardListener.PortOf(url)] = listener;
        }
    }
}
