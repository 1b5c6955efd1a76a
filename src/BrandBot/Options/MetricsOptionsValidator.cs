using BrandBot.Dashboard;

namespace BrandBot.Options;

/// <summary>The metrics listener's startup checks, one line per problem, naming the setting.</summary>
public static class MetricsOptionsValidator
{
    public static IEnumerable<string> Problems(MetricsOptions options, IReadOnlyCollection<int> webhookPorts, IReadOnlyCollection<int> dashboardPorts)
    {
        const string at = MetricsOptions.Section;
        foreach (var url in options.UrlList)
        {
            if (!DashboardListener.TryParse(url, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                yield return $"{at}:Urls entry '{url}' must be an http(s) URL with a host and port and no path, e.g. http://10.0.0.5:9464";
            }
            else if (uri.IsDefaultPort && !url.Contains($":{uri.Port}", StringComparison.Ordinal) || uri.Port == 0)
            {
                yield return $"{at}:Urls entry '{url}' needs an explicit, fixed port (/metrics is told apart from the webhook by its port)";
            }
            else if (webhookPorts.Contains(uri.Port))
            {
                yield return $"{at}:Urls port {uri.Port} is also the webhook's port; /metrics needs a listener of its own";
            }
            else if (dashboardPorts.Contains(uri.Port))
            {
                yield return $"{at}:Urls port {uri.Port} is also the dashboard's port; leave {at}:Urls unset to serve /metrics on the dashboard's listener";
            }
        }
    }
}
