using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BrandBot.Rules.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// Operators who sign in with tokens of their own (docs/dashboard.md#named-operators): their settings are
/// checked at start-up, <c>dashboard hash-token</c> makes the hash, and what they do carries their name.
/// </summary>
public sealed class NamedOperatorsTests(BrowserFixture browser) : BrowserTest(browser)
{
    private const string LiNaToken = "li-na-own-token-0123456789";

    private const string ZhouToken = "zhou-viewer-token-0123456789";

    /// <summary>Settings for two named operators beside the shared role tokens DashboardHost sets.</summary>
    private static Dictionary<string, string?> Operators() => new()
    {
        ["BrandBot:Dashboard:Operators:0:Name"] = "Li Na",
        ["BrandBot:Dashboard:Operators:0:TokenHash"] = OperatorTokenHash.Create(LiNaToken, OperatorTokenHash.MinIterations),
        ["BrandBot:Dashboard:Operators:0:Role"] = "editor",
        ["BrandBot:Dashboard:Operators:1:Name"] = "Zhou",
        ["BrandBot:Dashboard:Operators:1:TokenHash"] = OperatorTokenHash.Create(ZhouToken, OperatorTokenHash.MinIterations),
        ["BrandBot:Dashboard:Operators:1:Role"] = "viewer",
    };

    [Fact]
    public void TokenHash_IsSaltedAndSelfDescribing_AndMatchesOnlyItsToken()
    {
        var line = OperatorTokenHash.Create(LiNaToken);
        Assert.Matches(@"^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$", line);
        // A fresh salt each time: the same token never gives the same line.
        Assert.NotEqual(line, OperatorTokenHash.Create(LiNaToken));
        Assert.True(OperatorTokenHash.TryParse(line, out var hash, out _));
        Assert.True(hash.Matches(LiNaToken));
        Assert.False(hash.Matches(LiNaToken + "x"));
        Assert.False(hash.Matches(ZhouToken));
    }

    [Fact]
    public void BadOperatorSettings_AreOneLineEach_NamingTheSetting()
    {
        var good = OperatorTokenHash.Create(LiNaToken, OperatorTokenHash.MinIterations);
        DashboardOperator[] operators =
        [
            new() { Name = "Li Na", TokenHash = good, Role = "editor" },
            new() { Name = " ", TokenHash = good, Role = "viewer" },
            new() { Name = "li na", TokenHash = good, Role = "Editor" },
            new() { Name = "Wang", TokenHash = "sha1$abc", Role = "editor" },
            new() { Name = "Chen", TokenHash = "pbkdf2-sha256$10$AAAAAAAAAAAAAAAAAAAAAA==$" + Convert.ToBase64String(new byte[32]), Role = "admin" },
            new() { Name = "editor", Role = "viewer" },
        ];
        var problems = DashboardOptionsValidator.OperatorProblems(operators).ToList();

        Assert.Equal(
        [
            "BrandBot:Dashboard:Operators:1:Name is required (the name the audit and the rules history show)",
            "BrandBot:Dashboard:Operators:2:Name 'li na' is also Operators:0:Name (each person needs a name of their own)",
            "BrandBot:Dashboard:Operators:3:TokenHash must be a line printed by brandbot dashboard hash-token (pbkdf2-sha256$ITERATIONS$SALT$HASH)",
            "BrandBot:Dashboard:Operators:4:TokenHash has an iteration count outside 10000–10000000",
            "BrandBot:Dashboard:Operators:4:Role must be viewer or editor (got 'admin')",
            "BrandBot:Dashboard:Operators:5:Name 'editor' is what the shared editor token signs in as; give the person's own name",
            "BrandBot:Dashboard:Operators:5:TokenHash is required (make it with: brandbot dashboard hash-token)",
        ], problems);
        Assert.Empty(DashboardOptionsValidator.OperatorProblems([operators[0]]));
    }

    [Fact]
    public async Task BadOperatorSettings_FailStartup_AndOperatorsAloneAreEnoughToSignIn()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Dashboard:Urls"] = $"http://127.0.0.1:{Ports.Free()}";
        settings["BrandBot:Dashboard:Operators:0:Name"] = "Li Na";
        settings["BrandBot:Dashboard:Operators:0:TokenHash"] = LiNaToken;
        settings["BrandBot:Dashboard:Operators:0:Role"] = "owner";
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(settings));
        var failures = ex.Failures.Where(f => f.Contains("Operators", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Dashboard:Operators:0:TokenHash must be a line printed by", StringComparison.Ordinal));
        Assert.Contains(failures, f => f == "BrandBot:Dashboard:Operators:0:Role must be viewer or editor (got 'owner')");
        // Not the "no token set" problem: an operator is a way in. And never the token's text.
        Assert.DoesNotContain(ex.Failures, f => f.Contains("must be set when", StringComparison.Ordinal) || f.Contains(LiNaToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HashToken_HasHelp_RefusesMistakes_AndItsLineSignsIn()
    {
        var (code, output, _) = await CliAsync(["dashboard", "hash-token", "--help"], "");
        Assert.Equal(0, code);
        Assert.Contains("brandbot dashboard hash-token", output);
        Assert.Contains("standard input", output);
        Assert.Contains("--iterations <N>", output);

        // Too short, nothing at all, an argument where the token would land in the shell's history, a bad count.
        string error;
        (code, output, error) = await CliAsync(["dashboard", "hash-token"], "short-token\n");
        Assert.Equal((2, ""), (code, output));
        Assert.Equal("error: the token must be at least 16 characters (got 11); a random one: openssl rand -base64 24", error.TrimEnd());
        (code, _, error) = await CliAsync(["dashboard", "hash-token"], "");
        Assert.Equal(2, code);
        Assert.StartsWith("error: no token given", error);
        (code, _, error) = await CliAsync(["dashboard", "hash-token", LiNaToken], "");
        Assert.Equal(2, code);
        Assert.StartsWith($"error: unexpected argument '{LiNaToken}'", error);
        (code, _, error) = await CliAsync(["dashboard", "hash-token", "--iterations", "5"], LiNaToken + "\n");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --iterations must be from 10000 to 10000000", error);

        (code, output, error) = await CliAsync(["dashboard", "hash-token", "--iterations", "20000"], LiNaToken + "\n");
        Assert.True(code == 0, error);
        var line = output.Trim();
        Assert.StartsWith("pbkdf2-sha256$20000$", line);
        Assert.DoesNotContain(LiNaToken, output + error);

        await using var host = await DashboardHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["BrandBot:Dashboard:Operators:0:Name"] = "Li Na",
            ["BrandBot:Dashboard:Operators:0:TokenHash"] = line,
            ["BrandBot:Dashboard:Operators:0:Role"] = "editor",
        });
        var (client, _) = await host.ApiClientAsync(LiNaToken);
        var session = await client.GetFromJsonAsync<JsonElement>("/admin/api/session");
        Assert.Equal(("Li Na", "editor", true), (session.GetProperty("who").GetString(), session.GetProperty("role").GetString(), session.GetProperty("named").GetBoolean()));
    }

    [Fact]
    public async Task NamedTokens_CountAgainstTheSignInLimits_AndTheSharedTokensKeepTheirRoles()
    {
        await using var host = await DashboardHost.StartAsync(extra: new Dictionary<string, string?>(Operators())
        {
            ["BrandBot:Dashboard:MaxFailedSignInsPerMinute"] = "3",
        });

        // The shared tokens sign in as before, named by their role.
        var (shared, _) = await host.ApiClientAsync(DashboardHost.EditorToken);
        var session = await shared.GetFromJsonAsync<JsonElement>("/admin/api/session");
        Assert.Equal(("editor", false), (session.GetProperty("who").GetString(), session.GetProperty("named").GetBoolean()));
        var (viewer, _) = await host.ApiClientAsync(ZhouToken);
        Assert.Equal(("Zhou", "viewer"), await WhoAsync(viewer));

        // Three wrong tokens spend this client's minute: then even the right named token waits.
        var (stranger, _) = await host.ApiClientAsync(token: null);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsJsonAsync("/admin/api/login", new { token = $"wrong-token-number-{i}" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await stranger.PostAsJsonAsync("/admin/api/login", new { token = LiNaToken })).StatusCode);
    }

    [Fact]
    public async Task ANamedEditorsPublish_ShowsTheirNameAndMessage_InTheHeaderHistoryAndAudit()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await DashboardHost.StartAsync(redis.Configuration, extra: Operators(), realClock: true);
        await WithScreenshotsAsync(async pages =>
        {
            var (_, page) = await host.SignInAsync(Browser, LiNaToken);
            pages.Add(page);
            await ExpectTextAsync(page.Locator("#who"), "Li Na · editor");

            await OpenAsync(page, "/admin/rules");
            var yaml = await RulesEditor.ReadAsync(page);
            await RulesEditor.WriteAsync(page, yaml.Replace("We open 9:00-21:00", "We open 10:00-22:00", StringComparison.Ordinal));
            await page.ClickAsync("#draft-validate");
            await Assertions.Expect(page.Locator("#draft-publish")).ToBeEnabledAsync();
            await page.FillAsync("#draft-message", "summer opening hours");
            await page.ClickAsync("#draft-publish");
            await ExpectTextAsync(page.Locator("#draft-status"), "Published version 2.");

            await OpenAsync(page, "/admin/rules");
            var row = page.Locator("#history-table tr[data-version='2']");
            await Assertions.Expect(row).ToContainTextAsync("dashboard:Li Na");
            await Assertions.Expect(row).ToContainTextAsync("summer opening hours");

            await OpenAsync(page, "/admin/audit");
            await Assertions.Expect(page.Locator("#audit-table tr[data-action=authn_login_success]", new() { HasText = "Li Na" })).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#audit-table tr[data-action=rules_publish]", new() { HasText = "dashboard:Li Na" })).ToContainTextAsync("version 2: summer opening hours");
        });

        var published = (await host.Server.Services.GetRequiredService<IRuleStore>().GetHistoryAsync("acme"))[^1];
        Assert.Equal(("dashboard:Li Na", "summer opening hours"), (published.By, published.Message));

        // The CLI's history names her too.
        var settings = Path.Combine(Path.GetTempPath(), $"brandbot-ops-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new { BrandBot = new { Redis = redis.Configuration } }));
        var (code, output, error) = await CliAsync(["rules", "history", "--account", "acme", "--settings", settings], "");
        Assert.True(code == 0, error);
        var line = Assert.Single(output.Split('\n'), l => l.Contains("summer opening hours", StringComparison.Ordinal));
        Assert.Contains("dashboard:Li Na", line);
        // Its time says its zone, as every time the pages and verbs show does.
        Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", line);
    }

    private static async Task<(string? Who, string? Role)> WhoAsync(HttpClient client)
    {
        var session = await client.GetFromJsonAsync<JsonElement>("/admin/api/session");
        return (session.GetProperty("who").GetString(), session.GetProperty("role").GetString());
    }

    private static async Task<(int Code, string Output, string Error)> CliAsync(string[] args, string input)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await BrandBot.Commands.Cli.RunAsync(args, output, error, new StringReader(input));
        return (code, output.ToString(), error.ToString());
    }
}
