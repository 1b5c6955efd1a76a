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
