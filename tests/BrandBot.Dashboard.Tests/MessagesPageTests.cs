using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BrandBot.Delivery;
using BrandBot.Delivery.Pipeline;
using BrandBot.FakeWeChat;
using BrandBot.Outbound.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// docs/dashboard.md#messages: messages queued through the real outbound API, sent to the fake WeChat API
/// (which refuses some and reports others delivered by TEMPLATESENDJOBFINISH), show on the Messages page
/// per day and among the latest failures with WeChat's code and the reason — followers only masked.
/// </summary>
public sealed class MessagesPageTests(BrowserFixture browser) : BrowserTest(browser), IAsyncLifetime
{
    private const string ApiKey = "dashboard-test-key-0123456789abcdef";

    // Real-shaped OpenIDs; none may appear on the page or in what it reads.
    private const string Follower = "oPax7Rk2mT9vL4qZ-gate-0000001";
    private const string Stranger = "oPax7Rk2mT9vL4qZ-left-0000002";
    private const string Reader = "oPax7Rk2mT9vL4qZ-text-0000003";

    private RedisServer _redis = null!;
    private FakeWeChatApi _wechat = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _wechat = await FakeWeChatApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _wechat.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public Task MessagesPage_ShowsEachDaysFiguresAndTheLatestFailuresWithReasons_NeverARawOpenId() => WithScreenshotsAsync(async pages =>
    {
        var apiPort = Ports.Free();
        await using var host = await DashboardHost.StartAsync(_redis.Configuration, extra: ApiSettings(apiPort, _wechat.BaseUrl), realClock: true);
        _wechat.Messages.Webhook = new JobFinishPush(new Uri(host.Server.Client.BaseAddress!, "/wechat/acme").ToString(), TestAccounts.Token, TestAccounts.AppId, TestAccounts.Gh, TestAccounts.Key);
        _wechat.Messages.NonFollowers[Stranger] = true;
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        var delivered = await PostAsync(api, "gate-change-1001", Template(Follower, "TPL-01"));
        var unknownTemplate = await PostAsync(api, "gate-change-1002", Template(Follower, "TPL-99"));
        var notFollowing = await PostAsync(api, "gate-change-1003", Template(Stranger, "TPL-01"));
        // A customer-service text needs the follower's window: they write first, through the webhook.
        await host.TextAsync(Reader, "hours");
        var text = await PostWhenWindowOpensAsync(api, "bag-belt-4", $$"""{"to":"{{Reader}}","text":"Your bag is on belt 4"}""");

        Assert.Equal("delivered", await StatusAsync(api, delivered, "delivered"));
        Assert.Equal("failed", await StatusAsync(api, unknownTemplate, "failed"));
        Assert.Equal("failed", await StatusAsync(api, notFollowing, "failed"));
        Assert.Equal("sent", await StatusAsync(api, text, "sent"));

        var (_, page) = await host.SignInAsync(Browser, DashboardHost.ViewerToken);
        pages.Add(page);
        // Under the dashboard's CSP: a refused script, style or request shows as a console error.
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") { errors.Add(message.Text); } };
        page.PageError += (_, error) => errors.Add(error);
        await OpenAsync(page, "/admin/messages");
        await page.WaitForSelectorAsync("#messages-chart[data-drawn]");

        // One row per day of the default week, today's holding every step each message reached.
        var today = DayOf.Of(DateTimeOffset.UtcNow, TimeSpan.FromHours(host.Server.Services.GetRequiredService<DeliveryOptions>().StatsUtcOffsetHours)).ToString("yyyy-MM-dd");
        Assert.Equal(StatsWindow.DefaultDays, await page.Locator("#messages-table tbody tr").CountAsync());
        var row = page.Locator($"#messages-table tr[data-day='{today}']");
        await ExpectTextAsync(row.Locator("[data-metric=queued]"), "4");
        await ExpectTextAsync(row.Locator("[data-metric=sent]"), "2");
        await ExpectTextAsync(row.Locator("[data-metric=delivered]"), "1");
        await ExpectTextAsync(row.Locator("[data-metric=failed]"), "2");
        await ExpectTextAsync(row.Locator("[data-metric=unknown]"), "0");

        // The latest failures, each with WeChat's code and what it means, the recipient masked.
        Assert.Equal(2, await page.Locator("#failures-table tbody tr").CountAsync());
        var template = page.Locator($"#failures-table tr[data-id='{unknownTemplate}']");
        await ExpectTextAsync(template.Locator("td.errcode"), "40037");
        await Assertions.Expect(template.Locator("td.reason")).ToContainTextAsync("unknown template");
        await ExpectTextAsync(template.Locator("td.to"), OpenIdMask.Mask(Follower));
        var stranger = page.Locator($"#failures-table tr[data-id='{notFollowing}']");
        await ExpectTextAsync(stranger.Locator("td.errcode"), "43004");
        await Assertions.Expect(stranger.Locator("td.reason")).ToContainTextAsync("does not follow the account");
        await ExpectTextAsync(stranger.Locator("td.status"), "failed");
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", await stranger.Locator("td.time").InnerTextAsync());
        Assert.Equal(0, await page.Locator($"#failures-table tr[data-id='{delivered}']").CountAsync());
        await Assertions.Expect(page.Locator("#nav a.current")).ToHaveTextAsync("Messages");
        var shown = await page.InnerTextAsync("#content");
        Assert.DoesNotMatch(@"\b(null|undefined|NaN)\b", shown);
        Assert.Empty(errors);

        // Neither the page nor the JSON it reads carries an OpenID.
        var html = await page.ContentAsync();
        var (client, _) = await host.ApiClientAsync(DashboardHost.ViewerToken);
        var json = await client.GetStringAsync("/admin/api/messages?account=acme");
        // The table's CSV holds the same figures.
        var csv = await client.GetStringAsync("/admin/api/messages?account=acme&format=csv");
        Assert.Contains($"{today},4,2,1,2,0", csv);
        foreach (var openId in new[] { Follower, Stranger, Reader })
        {
            Assert.DoesNotContain(openId, html, StringComparison.Ordinal);
            Assert.DoesNotContain(openId, json, StringComparison.Ordinal);
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, "messages-page.png"), FullPage = true });
    });

    [Fact]
    public Task MessagesPage_WithTheApiOff_OrNothingSentYet_SaysWhyInsteadOfABlankPage() => WithScreenshotsAsync(async pages =>
    {
        // The API off and no Redis: no store to read at all.
        await using (var off = await DashboardHost.StartAsync())
        {
            var (_, page) = await off.SignInAsync(Browser);
            pages.Add(page);
            await OpenAsync(page, "/admin/messages");
            await Assertions.Expect(page.Locator("#messages-off")).ToContainTextAsync("The outbound API is off on this instance");
        }

        // The API on (embedded store), nothing sent yet: the empty week and how to send.
        await using var empty = await DashboardHost.StartAsync(extra: ApiSettings(Ports.Free(), _wechat.BaseUrl));
        var (_, second) = await empty.SignInAsync(Browser);
        pages.Add(second);
        await OpenAsync(second, "/admin/messages");
        await Assertions.Expect(second.Locator("#messages-empty")).ToContainTextAsync("POST /api/v1/acme/messages");
        await Assertions.Expect(second.Locator("#failures-none")).ToBeVisibleAsync();
        Assert.Equal(0, await second.Locator("#messages-chart").CountAsync());
        await Assertions.Expect(second.Locator("#content")).ToContainTextAsync("Embedded store");
        Assert.Equal(StatsWindow.DefaultDays, await second.Locator("#messages-table tbody tr[data-day]").CountAsync());
        Directory.CreateDirectory(ScreenshotDirectory);
        await second.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, "messages-page-empty.png"), FullPage = true });
    });

    [Fact]
    public async Task MessagesApi_WithRedisGone_Answers503WithASentence_NotA500()
    {
        await using var host = await DashboardHost.StartAsync(_redis.Configuration, extra: ApiSettings(Ports.Free(), _wechat.BaseUrl), realClock: true);
        var (client, _) = await host.ApiClientAsync(DashboardHost.ViewerToken);
        Assert.Equal(200, (int)(await client.GetAsync("/admin/api/messages")).StatusCode);

        await _redis.StopAsync();
        using var response = await client.GetAsync("/admin/api/messages");

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Contains("cannot be read right now", await response.Content.ReadAsStringAsync());
    }

    private static Dictionary<string, string?> ApiSettings(int apiPort, string wechat) => new()
    {
        ["BrandBot:Api:Urls"] = $"http://127.0.0.1:{apiPort}",
        ["BrandBot:Api:Keys:0:Name"] = "orders-service",
        ["BrandBot:Api:Keys:0:Key"] = ApiKey,
        ["BrandBot:Api:Keys:0:Accounts:0"] = "acme",
        ["BrandBot:WeChatApiBaseUrl"] = wechat,
        ["BrandBot:Accounts:0:AppSecret"] = "secret-acme",
        ["BrandBot:Outbound:PollMilliseconds"] = "50",
        // The fake pushes TEMPLATESENDJOBFINISH with its own clock's timestamp.
        ["BrandBot:ReplayWindowSeconds"] = "0",
    };

    private static string Template(string to, string template) =>
        "{\"to\":\"" + to + "\",\"template\":{\"id\":\"" + template + "\",\"data\":{\"keyword1\":\"Gate B12\",\"keyword2\":{\"value\":\"18:05\"}}}}";

    private static async Task<(int Status, string? Id)> TryPostAsync(HttpClient api, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/acme/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await api.SendAsync(request);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return ((int)response.StatusCode, answer.TryGetProperty("id", out var id) ? id.GetString() : null);
    }

    private static async Task<string> PostAsync(HttpClient api, string key, string body)
    {
        var (status, id) = await TryPostAsync(api, key, body);
        Assert.Equal(202, status);
        return id!;
    }

    /// <summary>The window opens when the push's ledger update lands, a moment after the push was answered.</summary>
    private static async Task<string> PostWhenWindowOpensAsync(HttpClient api, string key, string body)
    {
        string? id = null;
        await TestHelpers.EventuallyAsync(async () => (id = (await TryPostAsync(api, key, body)).Id) is not null, TimeSpan.FromSeconds(10));
        return id!;
    }

    private static async Task<string> StatusAsync(HttpClient api, string id, string wanted)
    {
        var status = "";
        await TestHelpers.EventuallyAsync(async () =>
        {
            using var document = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/acme/messages/{id}"));
            status = document.RootElement.GetProperty("status").GetString()!;
            return status == wanted;
        }, TimeSpan.FromSeconds(30));
        return status;
    }
}
