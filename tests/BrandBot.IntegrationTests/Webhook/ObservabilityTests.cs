using System.Collections.Concurrent;
using System.Text;
using BrandBot.Protocol.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BrandBot.IntegrationTests.Webhook;

/// <summary>/metrics carries the series ops teams watch; traces reach an OTLP collector when one is configured.</summary>
public class ObservabilityTests
{
    [Fact]
    public async Task Metrics_CarryEverySeriesOfTheBudgetDashboard()
    {
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules)));
        await Wire.PushAsync(server.Client, Wire.Text("hours"), PushMode.Safe);
        var push = SignedPush.Create(TestAccounts.Token, null, null, PushMode.Plain, Wire.Text("hours"), TestServer.Now.ToUnixTimeSeconds(), "1", Wire.Prefix);
        await Wire.PostAsync(server.Client, "/wechat/acme?" + push.Query.Replace("signature=", "signature=0", StringComparison.Ordinal), push.Body);
        await Wire.PushAsync(server.Client, Wire.Text("hours"), account: "nobody");

        var metrics = await server.Client.GetStringAsync("/metrics");

        // BrandBot's series (zero from the start where the labels are known, so a dashboard has a
        // line before the first event), beside ASP.NET Core's, Kestrel's and the runtime's own.
        foreach (var family in new[]
        {
            "brandbot_pushes_total counter", "brandbot_push_duration_seconds histogram", "brandbot_rejections_total counter",
            "brandbot_dedup_hits_total counter", "brandbot_rule_hits_total counter", "brandbot_budget_fallbacks_total counter",
            "brandbot_customer_service_sends_total counter", "brandbot_token_refreshes_total counter",
            "brandbot_rate_limited_total counter", "brandbot_follows_total counter", "brandbot_unfollows_total counter",
            "brandbot_unanswered_total counter",
            "http_server_request_duration_seconds histogram", "kestrel_active_connections gauge", "dotnet_gc_collections_total counter",
        })
        {
            Assert.Contains("# TYPE " + family + "\n", metrics);
        }

        Assert.Contains("brandbot_budget_fallbacks_total{account=\"acme\"} 0\n", metrics);
        Assert.Contains("brandbot_rate_limited_total{account=\"plain\",scope=\"follower\"} 0\n", metrics);
        // The webhook's requests are in ASP.NET's histogram under the route template, never the URL.
        Assert.Matches("http_server_request_duration_seconds_count\\{[^}]*http_response_status_code=\"401\",http_route=\"/wechat/\\{account\\}/\"[^}]*\\} 1\n", metrics);
        // The scrape itself is left out of the request metrics.
        Assert.DoesNotContain("http_route=\"/metrics\"", metrics);

        // Buckets around the 4 s budget and WeChat's 5 s: a fast push is in the first bucket and every later one.
        Assert.Contains("brandbot_push_duration_seconds_bucket{account=\"acme\",le=\"4\"} 2\n", metrics);
        Assert.Contains("brandbot_push_duration_seconds_bucket{account=\"acme\",le=\"5\"} 2\n", metrics);
        Assert.Contains("brandbot_push_duration_seconds_bucket{account=\"acme\",le=\"+Inf\"} 2\n", metrics);
        Assert.Contains("brandbot_push_duration_seconds_count{account=\"acme\"} 2\n", metrics);
        Assert.Contains("brandbot_rejections_total{account=\"acme\",reason=\"signature\"} 1\n", metrics);
        // An unknown URL segment never becomes a label value.
        Assert.Contains("brandbot_rejections_total{account=\"(unknown)\",reason=\"unknown_account\"} 1\n", metrics);
        Assert.DoesNotContain("nobody", metrics);
        Assert.DoesNotContain(TestAccounts.OpenId, metrics);
        Assert.DoesNotContain("signature=", metrics);
    }

    [Fact]
    public async Task Metrics_OfTwoHostsInOneProcess_CountApart()
    {
        var rules = TestAccounts.WriteRules(TestAccounts.Rules);
        await using var a = await TestServer.StartAsync(TestAccounts.Settings(rules));
        await using var b = await TestServer.StartAsync(TestAccounts.Settings(rules));
        await Wire.PushAsync(a.Client, Wire.Text("hours"), PushMode.Safe);
        await Wire.PushAsync(a.Client, Wire.Text("hours"), PushMode.Safe);
        await Wire.PushAsync(b.Client, Wire.Text("hours"), PushMode.Safe);

        Assert.Equal(2, TestHelpers.MetricSum(await a.Client.GetStringAsync("/metrics"), "brandbot_rule_hits_total", "hours"));
        Assert.Equal(1, TestHelpers.MetricSum(await b.Client.GetStringAsync("/metrics"), "brandbot_rule_hits_total", "hours"));
    }

    [Fact]
    public async Task Metrics_GoToTheConfiguredOtlpCollector()
    {
        var exported = await ExportedOverOtlpAsync("/v1/metrics");
        Assert.Contains("brandbot_rule_hits_total", exported);
        Assert.Contains("http.server.request.duration", exported);
        Assert.DoesNotContain(TestAccounts.OpenId, exported);
    }

    [Fact]
    public async Task Traces_GoToTheConfiguredOtlpCollector_WithoutOpenIds()
    {
        var spans = await ExportedOverOtlpAsync("/v1/traces");
        Assert.Contains("brandbot.push", spans);
        Assert.Contains("brandbot.gate", spans);
        Assert.Contains("brandbot.account", spans);
        Assert.DoesNotContain(TestAccounts.OpenId, spans);
    }

    /// <summary>What a server with a collector configured sent to <paramref name="path"/> for one push, as text.</summary>
    private static async Task<string> ExportedOverOtlpAsync(string path)
    {
        var received = new ConcurrentQueue<byte[]>();
        await using var collector = await LoopbackHost.StartAsync(app => app.MapPost(path, async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            received.Enqueue(buffer.ToArray());
            context.Response.ContentType = "application/x-protobuf";
        }));
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:OtlpEndpoint"] = collector.BaseUrl;
        await using (var server = await TestServer.StartAsync(settings))
        {
            Assert.Equal(200, (await Wire.PushAsync(server.Client, Wire.Text("hours"), PushMode.Safe)).Status);
        }

        // Stopping the host flushes the exporters.
        return Encoding.UTF8.GetString(received.SelectMany(b => b).ToArray());
    }
}
