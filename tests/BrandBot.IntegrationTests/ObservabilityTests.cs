using System.Collections.Concurrent;
using System.Text;
using BrandBot.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BrandBot.IntegrationTests;

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

        foreach (var family in new[]
        {
            "brandbot_pushes_total counter", "brandbot_push_duration_seconds histogram", "brandbot_rejections_total counter",
            "brandbot_dedup_hits_total counter", "brandbot_rule_hits_total counter", "brandbot_budget_fallbacks_total counter",
            "brandbot_customer_service_sends_total counter", "brandbot_token_refreshes_total counter", "brandbot_redis_errors_total counter",
            "brandbot_rate_limited_total counter", "brandbot_backend_calls_total counter",
        })
        {
            Assert.Contains("# TYPE " + family + "\n", metrics);
        }

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
    }

    [Fact]
    public async Task Traces_GoToTheConfiguredOtlpCollector_WithoutOpenIds()
    {
        var received = new ConcurrentQueue<byte[]>();
        await using var collector = await LoopbackHost.StartAsync(app => app.MapPost("/v1/traces", async (HttpContext context) =>
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

        // Stopping the host flushes the exporter.
        var spans = Encoding.UTF8.GetString(received.SelectMany(b => b).ToArray());
        Assert.Contains("brandbot.push", spans);
        Assert.Contains("brandbot.gate", spans);
        Assert.Contains("brandbot.account", spans);
        Assert.DoesNotContain(TestAccounts.OpenId, spans);
    }
}
