using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BrandBot.Rules.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>Research §5 tests 7–10: hostile texts, unanswered → rule → published, rollback on every instance, CSRF.</summary>
public sealed partial class RulesFromTheDashboardTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public Task Unanswered_ShowsHostileTextAsText_MasksPhoneNumbers_AndNoAnswerCarriesAnOpenId() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var follower = host.NewFollower();
        await host.EventAsync(follower, "subscribe", "qrscene_poster-2026");
        await host.TextAsync(follower, "<img src=x onerror=alert(1)>");
        await host.TextAsync(follower, "call me 13812345678");
        var (context, page) = await host.SignInAsync(Browser);
        pages.Add(page);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        // Every API answer passes through a route that reads its body before the page gets it: a body asked
        // for after the answer arrived is gone once the page has navigated on (a page's own refresh races that).
        var responses = new List<string>();
        await page.RouteAsync("**/admin/api/**", async route =>
        {
            var response = await route.FetchAsync();
            var body = await response.TextAsync();
            lock (responses)
            {
                responses.Add(body);
            }

            try
            {
                await route.FulfillAsync(new RouteFulfillOptions { Response = response });
            }
            catch (PlaywrightException)
            {
                // The page moved on while the answer was read; its body was still recorded above.
            }
        });

        foreach (var name in new[] { "unanswered", "overview", "channels", "keywords", "rules", "health", "audit", "growth" })
        {
            await OpenAsync(page, $"/admin/{name}");
            var text = await page.InnerTextAsync("body");
            Assert.DoesNotMatch(OpenIdShape(), text);
            Assert.DoesNotContain(follower, await page.ContentAsync());
        }

        await OpenAsync(page, "/admin/unanswered");
        var texts = await page.Locator("td.follower-text").AllTextContentsAsync();
        Assert.Contains("<img src=x onerror=alert(1)>", texts);
        Assert.Contains("call me 138****5678", texts);
        Assert.DoesNotContain(texts, t => t.Contains("13812345678", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#content img")).ToHaveCountAsync(0);
        Assert.Equal(0, dialogs);
        List<string> seen;
        lock (responses)
        {
            seen = [.. responses];
        }

        Assert.True(seen.Count >= 8, $"only {seen.Count} API answers seen");
        foreach (var body in seen)
        {
            Assert.DoesNotMatch(OpenIdShape(), body);
            Assert.DoesNotContain("13812345678", body);
        }
    });

    [Fact]
    public Task PublishOnTheEmbeddedStore_IsRefused_WithWhyAndWhatToDo() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var (_, editor) = await host.SignInAsync(Browser);
        pages.Add(editor);
        await editor.GotoAsync("/admin/rules");
        var yaml = await RulesEditor.ReadAsync(editor);
        await RulesEditor.WriteAsync(editor, yaml + "\n# a comment\n");
        await editor.ClickAsync("#draft-validate");
        await editor.ClickAsync("#draft-publish");

        await Assertions.Expect(editor.Locator("#draft-status")).ToContainTextAsync("lost at the next restart");
        await Assertions.Expect(editor.Locator("#draft-status")).ToContainTextAsync("Edit the account's rules file instead");
        Assert.Single(await host.Server.Services.GetRequiredService<IRuleStore>().GetHistoryAsync("acme"));

        var (api, csrf) = await host.ApiClientAsync();
        var rollback = await PostAsync(api, csrf, "/admin/api/rules/rollback", new { account = "acme", version = 1, confirm = "roll back to version 1" });
        Assert.Equal(HttpStatusCode.Conflict, rollback.StatusCode);
        Assert.Contains("Not rolled back", await rollback.Content.ReadAsStringAsync());
    });

    [Fact]
    public Task UnansweredText_BecomesARule_ValidatedWithLineNumbers_Diffed_Published_AndSeenByAnotherBrowser() => WithScreenshotsAsync(async pages =>
    {
        // Publishing needs the shared store (on the embedded one it is refused: the test before). Real time:
        // a push just after a publish waits, on the clock, for records of the version before (docs/exactly-once.md).
        await using var redis = await RedisServer.StartAsync();
        await using var host = await DashboardHost.StartAsync(redis.Configuration, realClock: true);
        await host.TextAsync(host.NewFollower(), "where can i park");

        // A viewer sees no button, and its write is refused.
        var (viewerContext, viewer) = await host.SignInAsync(Browser, DashboardHost.ViewerToken);
        pages.Add(viewer);
        await viewer.GotoAsync("/admin/unanswered");
        await Assertions.Expect(viewer.Locator(".unanswered-row")).ToHaveCountAsync(1);
        await Assertions.Expect(viewer.Locator(".make-rule")).ToHaveCountAsync(0);
        var (viewerApi, viewerCsrf) = await host.ApiClientAsync(DashboardHost.ViewerToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(viewerApi, viewerCsrf, "/admin/api/rules/draft", new { account = "acme", text = "where can i park" })).StatusCode);

        var (editorContext, editor) = await host.SignInAsync(Browser);
        pages.Add(editor);
        // The editor library runs under the dashboard's strict CSP: nothing refused, nothing missing.
        var consoleErrors = new List<string>();
        editor.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add(message.Text);
                }
            }
        };
        await editor.GotoAsync("/admin/unanswered");
        await editor.ClickAsync(".make-rule");
        var draft = await RulesEditor.ReadAsync(editor);
        Assert.Contains("keywords: [ equal: \"where can i park\" ]", draft);

        // A broken regex: the error names its line.
        var broken = draft.Replace("keywords: [ equal: \"where can i park\" ]", "keywords: [ regex: \"park(\" ]", StringComparison.Ordinal);
        var brokenLine = broken.Split('\n').ToList().FindIndex(l => l.Contains("park(", StringComparison.Ordinal)) + 1;
        await RulesEditor.WriteAsync(editor, broken);
        await editor.ClickAsync("#draft-validate");
        await Assertions.Expect(editor.Locator($"#draft-problems li.error[data-line='{brokenLine}']")).ToHaveCountAsync(1);
        // The editor numbers its lines and marks the one the error names, in the gutter and across the text.
        await Assertions.Expect(editor.Locator("#draft-yaml .ace_gutter-cell").First).ToHaveTextAsync("1");
        // (The placeholder answer, still there, is an error of its own on the line below.)
        var errorLines = (await editor.Locator("#draft-problems li.error").EvaluateAllAsync<int[]>("items => items.map(i => Number(i.dataset.line))")).Distinct().Order().ToArray();
        Assert.Contains(brokenLine, errorLines);
        Assert.Equal(errorLines.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)), await editor.Locator("#draft-yaml .ace_gutter-cell.line-error").AllTextContentsAsync());
        await Assertions.Expect(editor.Locator("#draft-yaml .line-error-text")).ToHaveCountAsync(errorLines.Length);
        await Assertions.Expect(editor.Locator("#draft-publish")).ToBeDisabledAsync();

        var fixedYaml = draft.Replace("TODO: write the answer", "The car park is under the mall, entrance B.", StringComparison.Ordinal);
        await RulesEditor.WriteAsync(editor, fixedYaml);
        await editor.ClickAsync("#draft-validate");
        await Assertions.Expect(editor.Locator("#draft-diff .added")).Not.ToHaveCountAsync(0);
        Assert.Contains("added: asked-where-can-i-park", await editor.InnerTextAsync("#draft-status"));
        await editor.ClickAsync("#draft-publish");
        await ExpectTextAsync(editor.Locator("#draft-status"), "Published version 2.");

        // It answers now: in "test a text" and for a real push.
        lock (consoleErrors)
        {
            Assert.Empty(consoleErrors);
        }

        await editor.GotoAsync("/admin/keywords");
        await editor.FillAsync("#test-text", "where can i park");
        await editor.ClickAsync("#test-form button");
        await ExpectTextAsync(editor.Locator("#test-result"), "rule asked-where-can-i-park answers (version 2): “The car park is under the mall, entrance B.”");
        var reply = Wire.DecodeSafe(await Wire.PushAsync(host.Server.Client, BrandBot.Protocol.Simulation.SampleMessages.Text(TestAccounts.Gh, host.NewFollower(), host.Now.ToUnixTimeSeconds(), "where can i park", Wire.Unique()), BrandBot.Protocol.Simulation.PushMode.Safe, timestamp: host.Now.ToUnixTimeSeconds()));
        Assert.Contains("The car park is under the mall, entrance B.", reply);

        // The viewer's open page learns of the new version by itself.
        await ExpectTextAsync(viewer.Locator("#rules-badge [data-metric=rules-version]"), "2");

        var history = await host.Server.Services.GetRequiredService<IRuleStore>().GetHistoryAsync("acme");
        var published = history[^1];
        Assert.Equal(("dashboard:editor", 2L), (published.By, published.Version));
        Assert.Contains("over version 1", published.Message);
        Assert.Equal(["asked-where-can-i-park"], published.Added);
        await editor.GotoAsync("/admin/audit");
        await Assertions.Expect(editor.Locator("#audit-table tr[data-action=rules_publish]", new() { HasText = "dashboard:editor" })).ToHaveCountAsync(1);
        Assert.Contains("version 2: published from the dashboard over version 1", await editor.InnerTextAsync("#audit-table"));
        await Assertions.Expect(editor.Locator("#audit-table tr[data-action=authz_fail]")).ToHaveCountAsync(1);
    });

    [Fact]
    public async Task Rollback_NeedsTheTypedConfirmation_AndEveryInstanceTakesIt_AndShowsTheSameFigures()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = await DashboardHost.StartAsync(redis.Configuration);
        await using var second = await DashboardHost.StartAsync(redis.Configuration);
        var publisher = first.Server.Services.GetRequiredService<RulePublisher>();
        await publisher.PublishAsync("acme", DashboardHost.Rules.Replace("We open 9:00-21:00", "We open 10:00-22:00", StringComparison.Ordinal), "test", "new hours");
        await WithScreenshotsAsync(async pages =>
        {
            var (context, page) = await first.SignInAsync(Browser);
            pages.Add(page);
            await page.GotoAsync("/admin/rules");
            await Assertions.Expect(page.Locator("#live-version")).ToHaveAttributeAsync("data-version", "2");
            await page.ClickAsync("#history-table tr[data-version='1'] button.rollback");
            await Assertions.Expect(page.Locator("#rollback-go")).ToBeDisabledAsync();
            await page.FillAsync("#rollback-confirm", "roll back to version 2");
            await Assertions.Expect(page.Locator("#rollback-go")).ToBeDisabledAsync();
            await page.FillAsync("#rollback-confirm", "roll back to version 1");
            await page.FillAsync("#rollback-message", "the new hours start next week");
            await page.ClickAsync("#rollback-go");
            await Assertions.Expect(page.Locator("#live-version")).ToHaveAttributeAsync("data-version", "3", new() { Timeout = 15_000 });
        });

        // The API refuses a rollback without the phrase, too.
        var (api, csrf) = await first.ApiClientAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(api, csrf, "/admin/api/rules/rollback", new { account = "acme", version = 2, confirm = "yes" })).StatusCode);
        foreach (var host in new[] { first, second })
        {
            var live = host.Server.Services.GetRequiredService<LiveRuleSets>();
            await TestHelpers.EventuallyAsync(() => live.Get("acme").Version == 3, TimeSpan.FromSeconds(15));
        }

        var snapshot = await first.Server.Services.GetRequiredService<IRuleStore>().GetCurrentAsync("acme");
        Assert.Equal(DashboardHost.Rules, snapshot!.Yaml);
        var history = await first.Server.Services.GetRequiredService<IRuleStore>().GetHistoryAsync("acme");
        Assert.Equal((AuditRecord.Rollback, "dashboard:editor", "the new hours start next week"), (history[^1].Action, history[^1].By, history[^1].Message));
        // On Redis every instance shows the same figures: a follow through one is counted on the other's page.
        await first.EventAsync(first.NewFollower(), "subscribe", "qrscene_poster-2026");
        var (secondApi, _) = await second.ApiClientAsync(DashboardHost.ViewerToken);
        await TestHelpers.EventuallyAsync(async () =>
            (await secondApi.GetFromJsonAsync<JsonElement>("/admin/api/overview?account=acme")).GetProperty("today").GetProperty("figures").GetProperty("follows").GetInt64() == 1,
            TimeSpan.FromSeconds(10));

        // Both instances report the version they answer with; the Rules page lists them.
        await TestHelpers.EventuallyAsync(async () =>
        {
            var instances = (await api.GetFromJsonAsync<JsonElement>("/admin/api/rules?account=acme")).GetProperty("instances").EnumerateArray().ToList();
            return instances.Count >= 1 && instances.All(i => i.GetProperty("version").GetInt64() == 3);
        }, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public Task Csrf_AWriteWithoutTheToken_OrFromAnotherOrigin_ChangesNothing() => WithScreenshotsAsync(async pages =>
    {
        await using var host = await DashboardHost.StartAsync();
        var store = host.Server.Services.GetRequiredService<IRuleStore>();
        var (context, page) = await host.SignInAsync(Browser);
        pages.Add(page);

        // The browser's own cookie, but no token: refused.
        var noToken = await context.APIRequest.PostAsync($"{host.DashboardUrl}/admin/api/rules/publish", new APIRequestContextOptions
        {
            DataObject = new { account = "acme", yaml = DashboardHost.Rules + "\n", baseVersion = 1 },
        });
        Assert.Equal(403, noToken.Status);
        var wrongOrigin = await context.APIRequest.PostAsync($"{host.DashboardUrl}/admin/api/rules/rollback", new APIRequestContextOptions
        {
            DataObject = new { account = "acme", version = 1, confirm = "roll back to version 1" },
            Headers = new Dictionary<string, string> { ["X-CSRF-Token"] = await CsrfOf(page), ["Origin"] = "http://127.0.0.1:1" },
        });
        Assert.Equal(403, wrongOrigin.Status);

        // A page on another origin (a third loopback port) that auto-submits a form to the dashboard.
        var attackerPort = Ports.Free();
        var attacker = WebApplication.CreateSlimBuilder();
        attacker.WebHost.UseUrls($"http://127.0.0.1:{attackerPort}");
        attacker.Logging.ClearProviders();
        await using var evil = attacker.Build();
        evil.MapGet("/", () => Results.Content($$"""
            <html><body><form id="f" method="post" action="{{host.DashboardUrl}}/admin/api/rules/rollback">
            <input name="account" value="acme"><input name="version" value="1"><input name="confirm" value="roll back to version 1"></form>
            <script>document.getElementById('f').submit()</script></body></html>
            """, "text/html"));
        await evil.StartAsync();
        var other = await context.NewPageAsync();
        pages.Add(other);
        var submitted = other.WaitForResponseAsync(r => r.Url.Contains("/admin/api/rules/rollback", StringComparison.Ordinal));
        await other.GotoAsync($"http://127.0.0.1:{attackerPort}/");
        var answer = await submitted;
        Assert.True(answer.Status is 401 or 403 or 415, $"cross-site form got {answer.Status}");
        await evil.StopAsync();

        Assert.Equal(1, await store.GetCurrentVersionAsync("acme"));
        Assert.Single(await store.GetHistoryAsync("acme"));
        await page.GotoAsync("/admin/audit");
        await Assertions.Expect(page.Locator("#audit-table tr[data-action=csrf_fail]")).ToHaveCountAsync(2);
    });

    private static async Task<string> CsrfOf(IPage page) =>
        (await page.EvaluateAsync<JsonElement>("() => fetch('/admin/api/session').then(r => r.json())")).GetProperty("csrf").GetString()!;

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string csrf, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-CSRF-Token", csrf);
        return await client.SendAsync(request);
    }

    // An OpenID on its own (not inside a longer token such as the anti-forgery one).
    [GeneratedRegex(@"(?<![\w-])o[\w-]{27}(?![\w-])")]
    private static partial Regex OpenIdShape();
}
