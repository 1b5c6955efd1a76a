using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace BrandBot.Dashboard;

/// <summary>
/// The dashboard's own listener: its URLs are added to Kestrel's beside the webhook's, and every request
/// is routed by the port of the connection it came in on — the dashboard's ports serve only
/// <c>/admin</c>, every other port never does (the host's listener-separation step enforces it). Never
/// by the Host header, which the client writes.
/// </summary>
public static class DashboardListener
{
    /// <summary>What belongs to the dashboard's listener: its pages and its API.</summary>
    public const string PathPrefix = "/admin";

    /// <summary>The webhook's URLs as ASP.NET would take them (<c>--urls</c>, ASPNETCORE_URLS, HTTP_PORTS, or its default).</summary>
    public static IReadOnlyList<string> WebhookUrls(IConfiguration configuration)
    {
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        var ports = (configuration["http_ports"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => $"http://*:{p}").ToList();
        return ports.Count > 0 ? ports : ["http://localhost:5000"];
    }

    /// <summary>A listen URL as a <see cref="Uri"/>; Kestrel's wildcard hosts (<c>*</c>, <c>+</c>) read as 0.0.0.0.</summary>
    public static bool TryParse(string url, out Uri uri) =>
        Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out uri!);

    public static int PortOf(string url) => TryParse(url, out var uri) ? uri.Port : -1;
}
