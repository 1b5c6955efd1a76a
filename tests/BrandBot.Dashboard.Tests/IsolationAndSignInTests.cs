using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>Research §5 tests 1, 2, 11, 12: the listener, sign-in, cookie, read-only mode, headers.</summary>
public sealed class IsolationAndSignInTests(BrowserFixture browser) : BrowserTest(browser)
{
    /// <summary>
    /// The page's script navigates with location.assign: waiting for the load event races it (seen under a
    /// busy machine); the URL committing is the sign the navigation happened.
    /// </summary>
    private static readonly PageWaitForURLOptions Committed = new() { WaitUntil = WaitUntilState.Commit };

    [Fact]
    public async Task TheWebhookPortServesNoDashboard_AndTheDashboardPortServesNoWebhook()
    {
        await using var host = await DashboardHost.StartAsync();
        var webhook = host.Server.Client;
        foreach (var path in new[] { "/admin", "/admin/overview", "/admin/login", "/admin/api/session", "/admin/assets/app.js", "/ADMIN/api/session" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await webhook.GetAsync(path)).StatusCode);
            // Host names the dashboard's port: the connection's port still decides.
            using var spoofed = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Host = $"127.0.0.1:{host.DashboardPort}" } };
            Assert.Equal(HttpStatusCode.NotFound, (await webhook.SendAsync(spoofed)).StatusCode);
        }

        var (dashboard, _) = await host.ApiClientAsync(token: null);
        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.GetAsync("/wechat/acme")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.GetAsync("/healthz")).StatusCode);
        // /metrics and /selftest do answer here: without BrandBot:Metrics:Urls they live on the dashboard's listener (MetricsListenerTests).
        // Signed out: pages go to sign-in, the API and the app's assets answer 401; the login page's own assets load.
        var page = await dashboard.GetAsync("/admin/overview");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/admin/login", page.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.GetAsync("/admin/api/overview")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.GetAsync("/admin/assets/app.js")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.GetAsync("/admin/assets/chart.umd.min.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/admin/assets/login.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/admin/login")).StatusCode);

        // The dashboard's own address leads to it; the webhook's root stays a plain 404.
        var root = await dashboard.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/admin", root.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await webhook.GetAsync("/")).StatusCode);
    }

    [Fact]
    public Task SignIn_WrongTokenIsRefusedAndAudited_RightTokenGivesAStrictHttpOnlyCookie_SignOutAndExpiryEndIt() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.DashboardUrl });
        var page = await context.NewPageAsync();
        pages.Add(page);
        await page.GotoAsync("/admin/overview");
        await page.WaitForURLAsync("**/admin/login", Committed);
        await page.FillAsync("#token", "not-the-token-at-all");
        await page.ClickAsync("button[type=submit]");
        await ExpectTextAsync(page.Locator("#login-error"), "that token is not valid");
        Assert.Empty(await context.CookiesAsync());

        await page.FillAsync("#token", DashboardHost.ViewerToken);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/admin/overview", Committed);
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.False(cookie.Secure); // plain HTTP on loopback; Secure is set under TLS (Request.IsHttps)
        Assert.Equal("/admin", cookie.Path);
        Assert.DoesNotContain(DashboardHost.ViewerToken, cookie.Value);
        await ExpectTextAsync(page.Locator("#who"), "viewer");

        await page.GotoAsync("/admin/audit");
        // The refusal is summarised apart from the operators' actions (docs/dashboard.md).
        await Assertions.Expect(page.Locator("#refusals-table tr[data-client='127.0.0.1']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#audit-table tr[data-action=authn_login_fail]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#audit-table tr[data-action=authn_login_success]")).ToHaveCountAsync(1);
        Assert.DoesNotContain("not-the-token-at-all", await page.ContentAsync());

        await page.ClickAsync("#logout");
        await page.WaitForURLAsync("**/admin/login", Committed);
        await page.GotoAsync("/admin/overview");
        await page.WaitForURLAsync("**/admin/login", Committed);

        // A session ends after SessionMinutes without a request.
        await page.FillAsync("#token", DashboardHost.EditorToken);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/admin/overview", Committed);
        // Drawn, so its refresh timer runs (a busy machine may still be loading the page's script).
        await page.WaitForSelectorAsync("#content[data-loaded]");
        host.Server.Time.Advance(TimeSpan.FromMinutes(31));
        // The open page notices by itself at its next refresh (every 5 s), and a new page load goes to sign-in too.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/login$"), new() { Timeout = 30_000 });
        var direct = await page.GotoAsync("/admin/channels");
        Assert.EndsWith("/admin/login", direct!.Url);
    });

    [Fact]
    public Task ReadOnlyMode_DrawsNoWriteControl_AndEveryWriteRouteIsGone() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync(readOnly: true);
        await host.TextAsync(host.NewFollower(), "where is parking");
        var (context, page) = await host.SignInAsync(Browser, DashboardHost.EditorToken);
        pages.Add(page);
        await ExpectTextAsync(page.Locator("#who"), "editor · read-only");
        await page.GotoAsync("/admin/unanswered");
        await Assertions.Expect(page.Locator(".unanswered-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".make-rule")).ToHaveCountAsync(0);
        await page.GotoAsync("/admin/rules");
        await page.WaitForSelectorAsync("#history-table");
        await Assertions.Expect(page.Locator("#rules-editor")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("button.rollback")).ToHaveCountAsync(0);

        var (api, csrf) = await host.ApiClientAsync(DashboardHost.EditorToken);
        foreach (var route in new[] { "draft", "validate", "publish", "rollback" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/api/rules/{route}") { Content = JsonContent.Create(new { account = "acme", yaml = "rules: []", text = "x", version = 1, baseVersion = 1, confirm = "roll back to version 1" }) };
            request.Headers.Add("X-CSRF-Token", csrf);
            Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(request)).StatusCode);
        }

        var session = await api.GetFromJsonAsync<JsonElement>("/admin/api/session");
        Assert.False(session.GetProperty("canWrite").GetBoolean());
    });

    [Fact]
    public Task Headers_StrictCspBlocksInjectedInlineScript_AndAnswersAreNotCached() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var (context, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        var response = await page.GotoAsync("/admin/overview");
        var csp = (await response!.AllHeadersAsync())["content-security-policy"];
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);

        // An inline script that got into the page (say, through a bug) does not run.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.body.append(s); }");
        Assert.False(await page.EvaluateAsync<bool>("() => window.__injected === true"));

        var (api, _) = await host.ApiClientAsync();
        foreach (var path in new[] { "/admin/api/overview", "/admin/api/session", "/admin/api/rules" })
        {
            var answer = await api.GetAsync(path);
            Assert.Equal("no-store", answer.Headers.CacheControl!.ToString());
            Assert.Equal("nosniff", answer.Headers.GetValues("X-Content-Type-Options").Single());
        }
    });
}
