using BrandBot.Broadcasts.Sending;
using BrandBot.Broadcasts.Store;
using BrandBot.Rules.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>docs/broadcasts.md: the Broadcasts page shows each broadcast's state, counts and unfollow rate against the baseline, and an editor cancels a scheduled one.</summary>
public sealed class BroadcastsPageTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public Task BroadcastsPage_ShowsStateCountsAndUnfollowRate_AndAnEditorCancelsAScheduledOne() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var store = host.Server.Services.GetRequiredService<IBroadcastStore>();
        var now = host.Now;
        await store.CreateAsync(Record("spring-sale", BroadcastStates.Scheduled, now.AddDays(1), null), null);
        var sent = Record("welcome-back", BroadcastStates.Sent, now.AddDays(-2), now.AddDays(-2));
        sent.Recipients = 2000;
        sent.Followers = 5000;
        sent.Batches = [new BatchRecord { Index = 1, ClientMsgId = "bb:welcome-back:1:0123abcd", State = BatchStates.Submitted, Attempts = 1, MsgId = "3147494001", SubmittedAt = now.AddDays(-2) }];
        await store.CreateAsync(sent, null);
        await store.CountUnfollowAsync("acme", "welcome-back", true);
        await store.CountUnfollowAsync("acme", "welcome-back", false);

        var (_, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        await OpenAsync(page, "/admin/broadcasts");
        await page.WaitForSelectorAsync("#broadcasts-chart[data-drawn]");
        var scheduled = page.Locator("#broadcasts-table tr[data-id='spring-sale']");
        var done = page.Locator("#broadcasts-table tr[data-id='welcome-back']");
        await ExpectTextAsync(scheduled.Locator("td.state"), "scheduled");
        // docs/dashboard.md#times-and-ranges: every time on the pages is UTC and says so.
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", await scheduled.Locator("td.due").InnerTextAsync());
        await Assertions.Expect(done).ToContainTextAsync("0.100 %");
        await Assertions.Expect(done).ToContainTextAsync("2000");
        Assert.Equal(0, await done.Locator("[data-cancel]").CountAsync());
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, "broadcasts-page.png"), FullPage = true });

        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await scheduled.Locator("[data-cancel]").ClickAsync();
        await ExpectTextAsync(page.Locator("#broadcasts-table tr[data-id='spring-sale'] td.state"), "cancelled");
        var cancelled = (await store.GetAsync("acme", "spring-sale"))!;
        Assert.Equal(BroadcastStates.Cancelled, cancelled.State);
        Assert.Equal("dashboard:editor", cancelled.CancelledBy);
        var audit = await host.Server.Services.GetRequiredService<IOperatorAudit>().ReadAsync(500, default);
        Assert.Contains(audit, e => e is { Action: "broadcast_cancel", Who: "editor", Account: "acme" } && e.Detail.StartsWith("spring-sale", StringComparison.Ordinal));
    });

    private static BroadcastRecord Record(string id, string state, DateTimeOffset due, DateTimeOffset? sentAt) => new()
    {
        Id = id,
        Account = "acme",
        State = state,
        DueAt = due,
        SentAt = sentAt,
        CreatedAt = due.AddHours(-1),
        MsgType = "text",
        Summary = $"text of {id}",
        AudienceKind = "Tag",
        AudienceName = "vip",
        By = "alice",
        ContentHash = "0123abcd0123abcd",
    };
}
