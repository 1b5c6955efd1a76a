using System.Net;
using BrandBot.Hosting;
using BrandBot.Protocol.Simulation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace BrandBot.IntegrationTests.Metrics;

/// <summary>
/// Issue 31 item 5: /metrics and /selftest answer only on the operators' listener once there is one,
/// and a follower's EventKey never becomes a label value of its own.
/// </summary>
public class MetricsListenerTests
{
    [Fact]
    public async Task WithMetricsUrls_MetricsAndSelftestAnswerOnlyThere_AndThatListenerServesNothingElse()
    {
        var metricsUrl = $"http://127.0.0.1:{Ports.Free()}";
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Metrics:Urls"] = metricsUrl;
        await using var server = await TestServer.StartAsync(settings);
        using var metrics = new HttpClient { BaseAddress = new Uri(metricsUrl) };

        foreach (var path in new[] { "/metrics", "/selftest", "/METRICS", "/metrics/" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(path)).StatusCode);
        }

        Assert.Contains("# TYPE brandbot_pushes_total counter", await metrics.GetStringAsync("/metrics"));
        Assert.Contains("path=/selftest", await metrics.GetStringAsync("/selftest"));
        Assert.Equal(HttpStatusCode.OK, (await metrics.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await metrics.GetAsync("/wechat/acme")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await metrics.PostAsync("/wechat/acme", new StringContent("<xml/>"))).StatusCode);
        // The webhook itself is where it was.
        var push = await Wire.PushAsync(server.Client, Wire.Text("hours"), PushMode.Safe);
        Assert.Equal("We open 9:00-21:00", push.Reply()["Content"]);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task WithADashboardAndNoMetricsUrls_MetricsAndSelftestMoveToTheDashboardsListener()
    {
        var dashboardUrl = $"http://127.0.0.1:{Ports.Free()}";
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Dashboard:Urls"] = dashboardUrl;
        settings["BrandBot:Dashboard:ViewerToken"] = "viewer-token-for-tests-0001";
        await using var server = await TestServer.StartAsync(settings);
        using var dashboard = new HttpClient { BaseAddress = new Uri(dashboardUrl) };

        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/selftest")).StatusCode);
        Assert.Contains("# TYPE brandbot_pushes_total counter", await dashboard.GetStringAsync("/metrics"));
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/selftest")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.GetAsync("/wechat/acme")).StatusCode);
    }

    [Fact]
    public async Task AMetricsUrlOnTheWebhooksOrTheDashboardsPort_FailsStartup_OneLineEach()
    {
        var webhookPort = Ports.Free();
        var dashboardPort = Ports.Free();
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Dashboard:Urls"] = $"http://127.0.0.1:{dashboardPort}";
        settings["BrandBot:Dashboard:ViewerToken"] = "viewer-token-for-tests-0001";
        settings["BrandBot:Metrics:Urls"] = $"http://127.0.0.1:{webhookPort};http://127.0.0.1:{dashboardPort};http://127.0.0.1;/metrics";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            BrandBotApp.BuildAsync(["--urls", $"http://127.0.0.1:{webhookPort}"], builder => builder.Configuration.AddInMemoryCollection(settings)));

        var failures = ex.Failures.Where(f => f.StartsWith("BrandBot:Metrics:Urls", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.Contains($"port {webhookPort} is also the webhook's port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains($"port {dashboardPort} is also the dashboard's port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'http://127.0.0.1' needs an explicit, fixed port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'/metrics' must be an http(s) URL", StringComparison.Ordinal));
        Assert.All(ex.Failures, f => Assert.DoesNotContain('\n', f));
    }

    [Fact]
    public async Task AFollowThroughASceneTheRulesDoNotDeclare_IsCountedAsOther()
    {
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules)));

        foreach (var key in new[] { "qrscene_poster-2026", "qrscene_<svg onload=alert(1)>", "qrscene_" + new string('x', 500), "qrscene_poster-2026" })
        {
            Assert.Equal(200, (await Wire.PushAsync(server.Client, Wire.Event("subscribe", key), PushMode.Safe)).Status);
        }

        Assert.Equal(200, (await Wire.PushAsync(server.Client, Wire.Event("subscribe"), PushMode.Safe)).Status);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("brandbot_follows_total{account=\"acme\",scene=\"poster-2026\"} 2\n", metrics);
        Assert.Contains("brandbot_follows_total{account=\"acme\",scene=\"other\"} 2\n", metrics);
        Assert.Contains("brandbot_follows_total{account=\"acme\",scene=\"\"} 1\n", metrics);
        Assert.DoesNotContain("svg", metrics);
        Assert.DoesNotContain("xxxxxxxx", metrics);
    }
}
