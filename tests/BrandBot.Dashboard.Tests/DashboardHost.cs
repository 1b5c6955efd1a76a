using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BrandBot.Delivery;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Stats;
using BrandBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// A real BrandBot with its dashboard on a second loopback port, fed through its webhook with real
/// signed pushes (the simulate code). On the embedded store unless a Redis is given.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    public const string ViewerToken = "viewer-token-for-tests-0001";
    public const string EditorToken = "editor-token-for-tests-0001";

    public const string Rules = """
        follow:
          replies: [ text: "welcome" ]
          scenes:
            poster-2026:
              replies: [ text: "poster thanks" ]
        default:
          replies: [ text: "default reply" ]
        rules:
          - { name: hours, keywords: [ equal: "hours" ], menuKeys: [ HOURS ], replies: [ text: "We open 9:00-21:00" ] }
          - { name: news, keywords: [ equal: "news" ], replies: [ text: "news" ] }
          - { name: stores, menuKeys: [ STORES ], replies: [ text: "our stores" ] }
          - { name: quiet, keywords: [ equal: "nobody types this" ], replies: [ text: "never sent" ] }
        """;

    private long _follower;

    private readonly bool _realClock;

    private DashboardHost(TestServer server, string dashboardUrl, bool realClock)
    {
        Server = server;
        DashboardUrl = dashboardUrl;
        _realClock = realClock;
    }

    /// <summary>The server's clock: its fake one, or the machine's when started with a real clock.</summary>
    public DateTimeOffset Now => _realClock ? DateTimeOffset.UtcNow : Server.Time.GetUtcNow();

    public TestServer Server { get; }

    /// <summary>e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string DashboardUrl { get; }

    public int DashboardPort => new Uri(DashboardUrl).Port;

    public static async Task<DashboardHost> StartAsync(
        string? redis = null, bool readOnly = false, string rules = Rules, IDictionary<string, string?>? extra = null, bool realClock = false)
    {
        var url = $"http://127.0.0.1:{Ports.Free()}";
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(rules));
        settings["BrandBot:Dashboard:Urls"] = url;
        settings["BrandBot:Dashboard:ViewerToken"] = ViewerToken;
        settings["BrandBot:Dashboard:EditorToken"] = EditorToken;
        settings["BrandBot:Dashboard:ReadOnly"] = readOnly ? "true" : "false";
        // Tests sign in many times from one address.
        settings["BrandBot:Dashboard:MaxFailedSignInsPerMinute"] = "50";
        if (redis is not null)
        {
            settings["BrandBot:Redis"] = redis;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new DashboardHost(await TestServer.StartAsync(settings, realClock), url, realClock);
    }

    /// <summary>A follower OpenID of the real shape (o + 27), different each call.</summary>
    public string NewFollower() => "oTest" + Interlocked.Increment(ref _follower).ToString("D23", System.Globalization.CultureInfo.InvariantCulture);

    public Task EventAsync(string openId, string name, string? key = null) =>
        SendAsync(SampleMessages.Event(TestAccounts.Gh, openId, Now.ToUnixTimeSeconds() + (Wire.Unique() % 1000), name, key));

    /// <summary>
    /// A follower's text, returned once the statistics store has counted it. Counting is written behind
    /// the push (every second), so a page opened straight after the push could otherwise miss it.
    /// </summary>
    public async Task TextAsync(string openId, string text)
    {
        var stats = Server.Services.GetRequiredService<IHitStats>();
        var day = StatsDay.Of(Now, TimeSpan.FromHours(Server.Services.GetRequiredService<DeliveryOptions>().StatsUtcOffsetHours));
        var before = (await stats.ReadAsync("acme", day)).Messages;
        await SendAsync(SampleMessages.Text(TestAccounts.Gh, openId, Now.ToUnixTimeSeconds(), text, Wire.Unique()));
        await TestHelpers.EventuallyAsync(async () => (await stats.ReadAsync("acme", day)).Messages > before, TimeSpan.FromSeconds(10));
    }

    private async Task SendAsync(string xml)
    {
        var response = await Wire.PushAsync(Server.Client, xml, PushMode.Safe, timestamp: Now.ToUnixTimeSeconds());
        Assert.Equal(200, response.Status);
    }

    /// <summary>A new browser context signed in with <paramref name="token"/>, on Overview.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> SignInAsync(IBrowser browser, string token = EditorToken)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = DashboardUrl, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin/login");
        await page.FillAsync("#token", token);
        await page.ClickAsync("button[type=submit]");
        try
        {
            // Waiting for the navigation (its load event, even its commit) raced the script's location.assign
            // (seen twice: on Overview, drawn, and still waiting); the page having drawn its data — which only an
            // app page does, never the sign-in page — is the real sign that sign-in worked.
            await page.WaitForSelectorAsync("#content[data-loaded]");
            if (!new Uri(page.Url).AbsolutePath.EndsWith("/admin/overview", StringComparison.Ordinal))
            {
                throw new TimeoutException($"signed in, but the page went to {page.Url}");
            }
        }
        catch (TimeoutException timeout)
        {
            // The page is not yet the test's to screenshot: keep what the browser showed, and say where it stood.
            Directory.CreateDirectory(BrowserTest.ScreenshotDirectory);
            var shot = Path.Combine(BrowserTest.ScreenshotDirectory, $"sign-in-{DateTime.UtcNow:HHmmss.fff}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            var error = await page.Locator("#login-error").AllTextContentsAsync();
            throw new TimeoutException($"signed in but not on Overview: at {page.Url}, sign-in error \"{string.Join(" ", error)}\", screenshot {shot}", timeout);
        }

        return (context, page);
    }

    /// <summary>An HTTP client on the dashboard's port that keeps cookies, signed in with <paramref name="token"/> (null: not signed in).</summary>
    public async Task<(HttpClient Client, string Csrf)> ApiClientAsync(string? token = EditorToken)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(DashboardUrl) };
        if (token is null)
        {
            return (client, "");
        }

        (await client.PostAsJsonAsync("/admin/api/login", new { token })).EnsureSuccessStatusCode();
        var session = await client.GetFromJsonAsync<JsonElement>("/admin/api/session");
        return (client, session.GetProperty("csrf").GetString()!);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
