using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>Research §5 tests 3–6 and 13: live numbers, the day boundary, ranges, rankings, CSV exports.</summary>
public sealed class FiguresTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public Task Overview_ShowsPushesLive_WithoutAReload_AndChannelsCountThePoster() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var (context, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        await ExpectTextAsync(page.Locator("[data-metric=follows-today]"), "0");
        var loadedAt = await page.EvaluateAsync<double>("() => performance.timeOrigin");

        var (scanner, existing, plain) = (host.NewFollower(), host.NewFollower(), host.NewFollower());
        await host.EventAsync(scanner, "subscribe", "qrscene_poster-2026");
        await host.EventAsync(existing, "SCAN", "poster-2026");
        await host.EventAsync(plain, "subscribe");
        await host.EventAsync(plain, "unsubscribe");
        await host.TextAsync(existing, "hours");
        await host.TextAsync(existing, "is there parking?");

        await ExpectTextAsync(page.Locator("[data-metric=follows-today]"), "2");
        await ExpectTextAsync(page.Locator("[data-metric=unfollows-today]"), "1");
        await ExpectTextAsync(page.Locator("[data-metric=net-today]"), "1");
        await ExpectTextAsync(page.Locator("[data-metric=messages-today]"), "2");
        await ExpectTextAsync(page.Locator("[data-metric=unanswered-today]"), "1");
        // The same document: the numbers came without a navigation.
        Assert.Equal(loadedAt, await page.EvaluateAsync<double>("() => performance.timeOrigin"));

        await OpenAsync(page, "/admin/channels");
        var poster = page.Locator("[data-scene='poster-2026']");
        await ExpectTextAsync(poster.Locator("[data-metric=scans]"), "2");
        await ExpectTextAsync(poster.Locator("[data-metric=follows]"), "1");
        await ExpectTextAsync(poster.Locator("[data-metric=unfollows]"), "0");
    });

    [Fact]
    public Task Growth_PutsPushesEitherSideOfMidnightAtStatsUtcOffsetOnDifferentDays() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var offset = TimeSpan.FromHours(8);
        // 23:59:59 in UTC+8 on the day after the test clock's date, then two seconds later.
        var evening = new DateTimeOffset(host.Server.Time.GetUtcNow().ToOffset(offset).Date.AddDays(1).AddSeconds(-1), offset);
        host.Server.Time.SetUtcNow(evening);
        await host.EventAsync(host.NewFollower(), "subscribe");
        host.Server.Time.Advance(TimeSpan.FromSeconds(2));
        await host.EventAsync(host.NewFollower(), "subscribe");
        await host.EventAsync(host.NewFollower(), "subscribe");

        var (context, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        var before = DateOnly.FromDateTime(evening.DateTime);
        await page.GotoAsync($"/admin/growth?from={before.AddDays(-1):yyyy-MM-dd}&to={before.AddDays(1):yyyy-MM-dd}");
        await ExpectTextAsync(page.Locator($"tr[data-day='{before:yyyy-MM-dd}'] [data-metric=follows]"), "1");
        await ExpectTextAsync(page.Locator($"tr[data-day='{before.AddDays(1):yyyy-MM-dd}'] [data-metric=follows]"), "2");
        await ExpectTextAsync(page.Locator($"tr[data-day='{before.AddDays(-1):yyyy-MM-dd}'] [data-metric=follows]"), "0");
    });

    [Fact]
    public Task Ranges_TheTableIsTheApisRows_AndOnlyKeptDaysCanBeAskedFor() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        for (var day = 0; day < 20; day++)
        {
            for (var n = 0; n <= day % 3; n++)
            {
                await host.EventAsync(host.NewFollower(), "subscribe");
            }

            host.Server.Time.Advance(TimeSpan.FromDays(1));
        }

        var (context, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        var (api, _) = await host.ApiClientAsync();
        await page.GotoAsync("/admin/growth");
        foreach (var days in new[] { 7, 14, 30 })
        {
            await page.ClickAsync($"#range button[data-days='{days}']");
            await page.WaitForURLAsync($"**days={days}", new() { WaitUntil = WaitUntilState.Commit });
            await Assertions.Expect(page.Locator("#growth-table tbody tr")).ToHaveCountAsync(days);
            var rows = (await api.GetFromJsonAsync<JsonElement>($"/admin/api/growth?account=acme&days={days}")).GetProperty("rows").EnumerateArray().ToList();
            var shown = await page.Locator("#growth-table tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [...r.cells].slice(0, 4).map(c => c.textContent))");
            // The API's days in order, the table's newest first.
            Assert.Equal(
                rows.Select(r => new[] { r.GetProperty("day").GetString()!, $"{r.GetProperty("follows")}", $"{r.GetProperty("unfollows")}", $"{r.GetProperty("net")}" }).Reverse(),
                shown);
            Assert.True(await page.Locator("#growth-chart").GetAttributeAsync("data-drawn") == "true");
        }

        var today = DateOnly.FromDateTime(host.Server.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        await page.FillAsync("#range-from", $"{today.AddDays(-4):yyyy-MM-dd}");
        await page.FillAsync("#range-to", $"{today.AddDays(-2):yyyy-MM-dd}");
        await page.ClickAsync("#range-apply");
        await Assertions.Expect(page.Locator("#growth-table tbody tr")).ToHaveCountAsync(3);

        Assert.Equal(400, (int)(await api.GetAsync($"/admin/api/growth?days=401")).StatusCode);
        Assert.Equal(400, (int)(await api.GetAsync($"/admin/api/growth?from={today.AddDays(-400):yyyy-MM-dd}&to={today:yyyy-MM-dd}")).StatusCode);
        Assert.Equal(400, (int)(await api.GetAsync($"/admin/api/growth?from={today:yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}")).StatusCode);
        Assert.Equal(200, (int)(await api.GetAsync($"/admin/api/growth?from={today.AddDays(-399):yyyy-MM-dd}&to={today:yyyy-MM-dd}")).StatusCode);
    });

    [Fact]
    public Task Keywords_RanksRulesByHits_SharesAddUp_ListsRulesWithoutHits_AndCountsMenuTaps() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var follower = host.NewFollower();
        foreach (var text in new[] { "news", "hours", "hours", "hours", "news", "hours" })
        {
            await host.TextAsync(follower, text);
        }

        await host.EventAsync(follower, "CLICK", "STORES");
        await host.EventAsync(follower, "CLICK", "STORES");
        await host.EventAsync(follower, "CLICK", "HOURS");

        var (context, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        await OpenAsync(page, "/admin/keywords");
        var ranking = await page.Locator("#keywords-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.rule)");
        Assert.Equal(["hours", "news", "stores"], ranking);
        var hits = await page.Locator("#keywords-table [data-metric=hits]").AllTextContentsAsync();
        Assert.Equal(["5", "2", "2"], hits);
        var shares = (await page.Locator("#keywords-table [data-metric=share]").AllTextContentsAsync()).Sum(s => double.Parse(s.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(shares, 99.9, 100.1);
        await Assertions.Expect(page.Locator("#no-hits li[data-rule=quiet]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#no-hits li[data-rule=hours]")).ToHaveCountAsync(0);
        await ExpectTextAsync(page.Locator("#menu-table tr[data-key=STORES] [data-metric=clicks]"), "2");
        await ExpectTextAsync(page.Locator("#menu-table tr[data-key=HOURS] [data-metric=clicks]"), "1");

        await page.FillAsync("#test-text", "HOURS");
        await page.ClickAsync("#test-form button");
        await ExpectTextAsync(page.Locator("#test-result"), "rule hours answers (version 1): “We open 9:00-21:00”");

        // A text no rule answers shows the default reply it would get.
        await page.FillAsync("#test-text", "do you sell umbrellas");
        await page.ClickAsync("#test-form button");
        await ExpectTextAsync(page.Locator("#test-result"), "no rule answers; the default reply goes out (version 1): “default reply”");
    });

    [Fact]
    public Task CsvDownload_IsTheApisRows_WithAByteOrderMark() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var follower = host.NewFollower();
        await host.TextAsync(follower, "营业时间?");
        await host.TextAsync(follower, "营业时间?");
        await host.TextAsync(follower, "=cmd|' /C calc'!A0");
        var (context, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        await OpenAsync(page, "/admin/unanswered");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a.csv"));
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var (api, _) = await host.ApiClientAsync();
        var rows = (await api.GetFromJsonAsync<JsonElement>("/admin/api/unanswered?account=acme&days=7")).GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal("text,count", lines[0]);
        Assert.Equal(rows.Count, lines.Length - 1);
        Assert.Equal("营业时间?,2", lines[1]);
        // A formula-looking text is defused for spreadsheets.
        Assert.StartsWith("'=cmd", lines[2]);

        await page.GotoAsync("/admin/audit");
        await Assertions.Expect(page.Locator("#audit-table tr[data-action=export]")).ToHaveCountAsync(1);
    });
}
