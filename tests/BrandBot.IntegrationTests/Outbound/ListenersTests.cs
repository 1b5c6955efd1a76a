using System.Net;

namespace BrandBot.IntegrationTests.Outbound;

/// <summary>
/// With every listener configured (webhook, dashboard, metrics, API) each path is answered on its own
/// listener only, by the port it came in on (docs/configuration.md#listeners).
/// </summary>
public sealed class ListenersTests : OutboundFixture
{
    [Fact]
    public async Task EveryPath_IsAnsweredOnItsOwnListenerOnly()
    {
        var apiPort = Ports.Free();
        var dashboardUrl = $"http://127.0.0.1:{Ports.Free()}";
        var metricsUrl = $"http://127.0.0.1:{Ports.Free()}";
        var settings = ApiSettings(apiPort, redis: false);
        settings["BrandBot:Dashboard:Urls"] = dashboardUrl;
        settings["BrandBot:Dashboard:ViewerToken"] = "viewer-token-for-tests-0001";
        settings["BrandBot:Metrics:Urls"] = metricsUrl;
        await using var server = await TestServer.StartAsync(settings, realClock: true);
        using var api = ApiClient(apiPort);
        using var dashboard = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(dashboardUrl) };
        using var metrics = new HttpClient { BaseAddress = new Uri(metricsUrl) };
        var listeners = new Dictionary<string, HttpClient> { ["webhook"] = server.Client, ["dashboard"] = dashboard, ["metrics"] = metrics, ["api"] = api };
        var answeredOn = new Dictionary<string, string[]>
        {
            ["/api/v1/openapi.json"] = ["api"],
            ["/admin/login"] = ["dashboard"],
            ["/metrics"] = ["metrics"],
            ["/selftest"] = ["metrics"],
            ["/healthz"] = ["webhook", "metrics", "api"],
            ["/wechat/acme?signature=x&timestamp=1&nonce=n&echostr=e"] = ["webhook"],
        };

        foreach (var (path, owners) in answeredOn)
        {
            foreach (var (name, client) in listeners)
            {
                var status = (await client.GetAsync(path)).StatusCode;
                Assert.True(owners.Contains(name) ? status != HttpStatusCode.NotFound : status == HttpStatusCode.NotFound, $"{path} on the {name} listener answered {(int)status}");
            }
        }

        // The dashboard's bare address leads to the dashboard; the API's does not.
        var root = await dashboard.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/admin", root.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/")).StatusCode);
    }
}
