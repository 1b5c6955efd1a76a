using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;

namespace BrandBot.IntegrationTests.Deploy;

/// <summary>
/// The shipped alerts and Grafana board: valid to Prometheus's own tool, unit-tested alert by alert,
/// and built only on series a running BrandBot declares.
/// </summary>
public sealed partial class MonitoringTests
{
    [Fact]
    public async Task Alerts_PassPromtoolCheck()
    {
        var (code, output) = await PromtoolAsync("check", "rules", "alerts.yml");
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public async Task Alerts_PassTheirPromtoolUnitTests()
    {
        var (code, output) = await PromtoolAsync("test", "rules", "alerts.test.yml");
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task AlertsAndBoard_NameOnlySeriesBrandBotServes()
    {
        var declared = await DeclaredSeriesAsync();
        var alerts = await File.ReadAllTextAsync(DeployFiles.Path("prometheus", "alerts.yml"));
        var board = await File.ReadAllTextAsync(DeployFiles.Path("grafana", "brandbot.json"));

        var used = SeriesName().Matches(alerts + board).Select(m => m.Value).ToHashSet();

        Assert.Contains("brandbot_push_duration_seconds_bucket", used);
        Assert.Contains("brandbot_unanswered_total", used);
        Assert.All(used, name => Assert.True(declared.Contains(name), $"{name} is not a series BrandBot serves"));
    }

    /// <summary>
    /// The board's outbound row, checked against what <c>/metrics</c> really serves: a series only has
    /// lines once something was counted, so a server with the outbound API on sends one message to the
    /// fake WeChat API first. Each outbound series the board names must be among the served lines, with
    /// the labels its queries group by.
    /// </summary>
    [Fact]
    public async Task BoardsOutboundPanels_NameSeriesAServerWithTheApiOnServes_WithTheirLabels()
    {
        var board = await File.ReadAllTextAsync(DeployFiles.Path("grafana", "brandbot.json"));
        string[] outbound = ["brandbot_outbound_messages_total", "brandbot_outbound_oldest_queued_seconds", "brandbot_outbound_queue_depth"];
        Assert.Equal(outbound, SeriesName().Matches(board).Select(m => m.Value).Where(n => n.StartsWith("brandbot_outbound_", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal));

        await using var wechat = await FakeWeChatApi.StartAsync();
        var apiPort = Ports.Free();
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:WeChatApiBaseUrl"] = wechat.BaseUrl;
        settings["BrandBot:Accounts:0:AppSecret"] = "secret-acme";
        settings["BrandBot:Api:Urls"] = $"http://127.0.0.1:{apiPort}";
        settings["BrandBot:Api:Keys:0:Name"] = "backend";
        settings["BrandBot:Api:Keys:0:Key"] = "monitoring-test-key-0123456789";
        settings["BrandBot:Api:Keys:0:Accounts:0"] = "acme";
        settings["BrandBot:Outbound:PollMilliseconds"] = "50";
        await using var server = await TestServer.StartAsync(settings, realClock: true);
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        api.DefaultRequestHeaders.Authorization = new("Bearer", "monitoring-test-key-0123456789");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/acme/messages")
        {
            Content = new StringContent("""{"to":"o9AgO5Kd5ggOC-monitoring-01","template":{"id":"TPL-01","data":{"keyword1":"Gate B12"}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "monitoring-1");
        Assert.Equal(202, (int)(await api.SendAsync(request)).StatusCode);

        var metrics = "";
        await TestHelpers.EventuallyAsync(
            async () => (metrics = await server.Client.GetStringAsync("/metrics")).Contains("result=\"sent\"", StringComparison.Ordinal)
                && outbound.All(name => ServedLines(metrics, name).Any()),
            TimeSpan.FromSeconds(15));

        Assert.Contains(ServedLines(metrics, "brandbot_outbound_messages_total"), line =>
            line.Contains("account=\"acme\"", StringComparison.Ordinal) && line.Contains("kind=\"template\"", StringComparison.Ordinal) && line.Contains("result=\"sent\"", StringComparison.Ordinal));
        Assert.Contains(ServedLines(metrics, "brandbot_outbound_queue_depth"), line => line.Contains("account=\"acme\"", StringComparison.Ordinal));
        Assert.Contains(ServedLines(metrics, "brandbot_outbound_oldest_queued_seconds"), line => line.Contains("account=\"acme\"", StringComparison.Ordinal));
    }

    /// <summary>The sample lines of one series in Prometheus's text format (its name, then labels or a space).</summary>
    private static IEnumerable<string> ServedLines(string metrics, string name) =>
        metrics.Split('\n').Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal));

    /// <summary>Every series name a real server's meter declares, as the Prometheus exporter names it.</summary>
    private static async Task<HashSet<string>> DeclaredSeriesAsync()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == global::BrandBot.Metrics.BrandBotMetrics.MeterName)
            {
                lock (names)
                {
                    if (instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal))
                    {
                        names.UnionWith([instrument.Name + "_bucket", instrument.Name + "_sum", instrument.Name + "_count"]);
                    }
                    else
                    {
                        names.Add(instrument.Name);
                    }
                }
            }
        };
        listener.Start();
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules)));
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("brandbot_pushes_total{", metrics);
        return names;
    }

    private static async Task<(int Code, string Output)> PromtoolAsync(params string[] args)
    {
        var info = new ProcessStartInfo("promtool")
        {
            WorkingDirectory = DeployFiles.Path("prometheus"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"\bbrandbot_[a-z_]+\b")]
    private static partial Regex SeriesName();
}
