using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BrandBot.Rules.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// What every page shares (docs/dashboard.md): one default range, lists newest first, times in UTC that
/// say so, a header version that follows publishes and rollbacks, an instance list that follows stops,
/// and a latency chart that shows milliseconds beside a budget of seconds.
/// </summary>
public sealed class PagesAgreeTests(BrowserFixture browser) : BrowserTest(browser)
{
    private const string UtcTime = @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$";

    [Fact]
    public Task EveryStatisticsPage_OpensOnTheSameRange_AndGrowthListsTheNewestDayFirst() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var (_, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        var (api, _) = await host.ApiClientAsync();
        foreach (var name in new[] { "growth", "channels", "keywords", "unanswered" })
        {
            await OpenAsync(page, $"/admin/{name}");
            await Assertions.Expect(page.Locator("#range button.active")).ToHaveAttributeAsync("data-days", "7");
            var window = await api.GetFromJsonAsync<JsonElement>($"/admin/api/{name}?account=acme");
            var days = DateOnly.Parse(window.GetProperty("to").GetString()!, CultureInfo.InvariantCulture).DayNumber - DateOnly.Parse(window.GetProperty("from").GetString()!, CultureInfo.InvariantCulture).DayNumber + 1;
            Assert.True(days == 7, $"{name} answers {days} days by default");
        }

        await OpenAsync(page, "/admin/growth");
        var listed = await page.Locator("#growth-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.day)");
        Assert.Equal(7, listed.Length);
        Assert.Equal(listed.OrderDescending(StringComparer.Ordinal), listed);
    });

    [Fact]
    public Task TimesOnThePages_AreUtc_AndSaySo() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var (_, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        await Assertions.Expect(page.Locator("#updated")).ToContainTextAsync(" UTC ·");

        await OpenAsync(page, "/admin/rules");
        foreach (var when in await page.Locator("#history-table tbody tr td:nth-child(2)").AllTextContentsAsync())
        {
            Assert.Matches(UtcTime, when);
        }

        Assert.Matches(@"published \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by", await page.InnerTextAsync("#live-version"));
        await OpenAsync(page, "/admin/audit");
        var audited = await page.Locator("#audit-table tbody tr td:first-child").AllTextContentsAsync();
        Assert.NotEmpty(audited);
        Assert.All(audited, when => Assert.Matches(UtcTime, when));
        var (api, _) = await host.ApiClientAsync();
        var csv = await api.GetStringAsync("/admin/api/audit?format=csv");
        Assert.Matches(@"\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC,", csv);
    });

    [Fact]
    public Task HealthLatency_IsDrawnOnALogAxis_SoMillisecondsShowBesideTheBudget() => WithScreenshotsAsync(async pages =>
    {
        // Real time: on the test clock every push takes no time at all.
        await using var host = await DashboardHost.StartAsync(realClock: true);
        for (var i = 0; i < 5; i++)
        {
            await host.TextAsync(host.NewFollower(), "hours");
        }

        var (_, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        await OpenAsync(page, "/admin/health");
        await page.WaitForSelectorAsync("#latency-chart[data-drawn=true]");
        var axis = await page.EvaluateAsync<JsonElement>("""
            () => {
              const chart = Chart.getChart(document.getElementById('latency-chart'));
              const x = chart.scales.x;
              return { type: x.type, min: x.min, max: x.max, labels: chart.data.labels, p50: chart.data.datasets[0].data[0] };
            }
            """);
        Assert.Equal("logarithmic", axis.GetProperty("type").GetString());
        // A push of a millisecond and the 5 s deadline both on the same axis, each readable.
        Assert.True(axis.GetProperty("min").GetDouble() <= 0.1, axis.ToString());
        Assert.True(axis.GetProperty("max").GetDouble() >= 5000, axis.ToString());
        Assert.Equal(["p50", "p95", "p99", "max", "budget", "deadline"], axis.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.True(axis.GetProperty("p50").GetDouble() > 0, axis.ToString());
    });

    [Fact]
    public async Task HeaderVersion_FollowsAPublishAndARollback_WithoutAReload()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await DashboardHost.StartAsync(redis.Configuration, realClock: true);
        var publisher = host.Server.Services.GetRequiredService<RulePublisher>();
        await WithScreenshotsAsync(async pages =>
        {
            var (_, page) = await host.SignInAsync(Browser, DashboardHost.ViewerToken);
            pages.Add(page);
            var badge = page.Locator("#rules-badge [data-metric=rules-version]");
            await ExpectTextAsync(badge, "1");

            await publisher.PublishAsync("acme", DashboardHost.Rules.Replace("We open 9:00-21:00", "We open 10:00-22:00", StringComparison.Ordinal), "test", "new hours");
            await ExpectTextAsync(badge, "2");

            var (api, csrf) = await host.ApiClientAsync();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/api/rules/rollback")
            {
                Content = JsonContent.Create(new { account = "acme", version = 1, confirm = "roll back to version 1", message = "back to winter hours" }),
                Headers = { { "X-CSRF-Token", csrf } },
            };
            (await api.SendAsync(request)).EnsureSuccessStatusCode();
            await ExpectTextAsync(badge, "3");
            Assert.Equal("back to winter hours", (await host.Server.Services.GetRequiredService<IRuleStore>().GetHistoryAsync("acme"))[^1].Message);
        });
    }

    [Fact]
    public async Task AStoppedInstance_LeavesTheInstanceList_WithoutAReload()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await DashboardHost.StartAsync(redis.Configuration, realClock: true);
        var rules = TestAccounts.WriteRules(DashboardHost.Rules);
        var port = Ports.Free();
        var args = TestAccounts.Settings(rules).Select(p => $"--{p.Key}={p.Value}")
            .Concat([$"--urls=http://127.0.0.1:{port}", $"--BrandBot:Redis={redis.Configuration}", "--BrandBot:WarmUpRounds=0"]).ToArray();
        await using var other = BrandBotProcess.Start(args);
        await other.WaitReadyAsync($"http://127.0.0.1:{port}/readyz", TimeSpan.FromSeconds(60));
        var otherName = $"{Environment.MachineName}:{other.Id}";

        await WithScreenshotsAsync(async pages =>
        {
            var (_, page) = await host.SignInAsync(Browser, DashboardHost.ViewerToken);
            pages.Add(page);
            await OpenAsync(page, "/admin/rules");
            var row = page.Locator($"#instances-table tr[data-instance='{otherName}']");
            await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 15_000 });

            await other.StopAsync();
            // Gone at the list's next refresh (5 s), well before the 15 s a silent instance takes to go stale.
            await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 9_000 });
            await Assertions.Expect(page.Locator("#instances-table tbody tr")).ToHaveCountAsync(1);
        });
    }
}
