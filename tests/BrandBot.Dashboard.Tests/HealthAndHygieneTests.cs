using System.Diagnostics;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>Research §5 tests 14 and 16: health when Redis stops, and every page clean, drawn and quick.</summary>
public sealed class HealthAndHygieneTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Health_ShowsLatencyPercentiles_AndADegradedBannerWhileRedisIsDown()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await DashboardHost.StartAsync(redis.Configuration);
        for (var i = 0; i < 20; i++)
        {
            await host.TextAsync(host.NewFollower(), "hours");
        }

        await WithScreenshotsAsync(async pages =>
        {
            var (context, page) = await host.SignInAsync(Browser);
            pages.Add(page);
            await page.GotoAsync("/admin/health");
            await Assertions.Expect(page.Locator("#latency-table [data-metric=p95]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+(\.\d+)? ms$"));
            await Assertions.Expect(page.Locator("#store-state")).ToHaveAttributeAsync("data-state", "redis");
            await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync();

            await redis.StopAsync();
            await Assertions.Expect(page.Locator("#banner[data-state=degraded]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await redis.RestartAsync();
            await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
        });
    }

    [Fact]
    public Task EveryPage_HasNoConsoleErrors_EveryChartIsDrawnWithItsTable_AndOverviewIsQuickWithMonthsOfData() => WithScreenshotsAsync(async pages =>
    {
        // 200 rules, and 90 days of traffic: every day a follow through the poster and a hit on a few rules.
        var rules = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"  - {{ name: rule-{i:D3}, keywords: [ equal: \"kw{i}\" ], replies: [ text: \"answer {i}\" ] }}"));
        await using var host = await DashboardHost.StartAsync(rules: $"follow:\n  replies: [ text: \"hi\" ]\nrules:\n{rules}\n");
        // Most of this test's time is the fake clock's: each day's Advance runs every timer due in it.
        for (var day = 0; day < 90; day++)
        {
            var follower = host.NewFollower();
            await host.EventAsync(follower, "subscribe", "qrscene_poster-2026");
            await Task.WhenAll(Enumerable.Range(0, 4).Select(i => host.TextAsync(follower, $"kw{(day * 7 + i) % 200}")));
            await host.TextAsync(follower, $"question {day % 5}");
            host.Server.Time.Advance(TimeSpan.FromDays(1));
        }

        var (context, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") { errors.Add($"{page.Url}: {message.Text}"); } };
        page.PageError += (_, error) => errors.Add($"{page.Url}: {error}");
        page.RequestFailed += (_, request) => errors.Add($"{page.Url}: failed {request.Url}");

        var watch = Stopwatch.StartNew();
        await page.GotoAsync("/admin/overview");
        await page.WaitForSelectorAsync("#content[data-loaded] [data-metric=follows-today]");
        watch.Stop();
        Assert.True(watch.ElapsedMilliseconds < 1000, $"Overview took {watch.ElapsedMilliseconds} ms");

        foreach (var (name, charts) in new[] { ("growth", 1), ("channels", 1), ("keywords", 1), ("unanswered", 1), ("health", 1), ("rules", 0), ("audit", 0), ("overview", 0), ("messages", 0) })
        {
            await OpenAsync(page, $"/admin/{name}?days=90");
            var canvases = page.Locator("canvas");
            Assert.Equal(charts, await canvases.CountAsync());
            for (var i = 0; i < charts; i++)
            {
                var canvas = canvases.Nth(i);
                Assert.Equal("true", await canvas.GetAttributeAsync("data-drawn"));
                Assert.True(await canvas.EvaluateAsync<bool>(
                    "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; }"),
                    $"{name}: the chart is blank");
                // Its numbers are in a table in the same section.
                var rows = await canvas.EvaluateAsync<int>("c => c.closest('section').querySelectorAll('table tbody tr').length");
                Assert.True(rows > 0, $"{name}: no table beside the chart");
            }
        }

        Assert.Empty(errors);
    });
}
