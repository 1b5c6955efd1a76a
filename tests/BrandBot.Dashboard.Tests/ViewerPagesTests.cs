using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>What a viewer reads: no leftover "null" where an editor's controls would be, and footnotes that agree with the figures.</summary>
public sealed class ViewerPagesTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public Task EveryPage_ShowsTheViewerNoNullUndefinedOrNaN() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        await host.EventAsync(host.NewFollower(), "subscribe", "qrscene_poster-2026");
        await host.TextAsync(host.NewFollower(), "something nobody answers");
        var (_, page) = await host.SignInAsync(Browser, DashboardHost.ViewerToken);
        pages.Add(page);

        foreach (var path in new[] { "overview", "growth", "channels", "keywords", "unanswered", "rules", "health", "audit", "messages" })
        {
            await page.GotoAsync($"/admin/{path}");
            await page.WaitForSelectorAsync("#content[data-loaded]");
            var text = await page.InnerTextAsync("#content");
            foreach (var leftover in new[] { "null", "undefined", "NaN" })
            {
                Assert.False(System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b{leftover}\b"), $"/admin/{path} shows '{leftover}'");
            }
        }
    });

    [Fact]
    public Task ChannelsFootnote_CountsANewFollowersScan_AsTheTableDoes() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        await host.EventAsync(host.NewFollower(), "subscribe", "qrscene_poster-2026");
        var (_, page) = await host.SignInAsync(Browser, DashboardHost.ViewerToken);
        pages.Add(page);
        await page.GotoAsync("/admin/channels");

        // One follow through the poster: one scan and one follow in the table, and the note says why.
        await Assertions.Expect(page.Locator("[data-metric=scans]").First).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#content .note").First).ToContainTextAsync("each follow is a scan too");
    });
}
