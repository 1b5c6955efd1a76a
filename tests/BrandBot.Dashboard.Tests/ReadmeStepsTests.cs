using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// The README's "Run it" section, followed as written: its run command's arguments (the built
/// executable stands in for <c>dotnet run</c> and <c>./brandbot</c>, which would only build it first),
/// its <c>./brandbot simulate</c> lines from the repository root, then its dashboard step in a real browser — on the
/// same server, the one the run command started.
/// </summary>
public sealed partial class ReadmeStepsTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task TheReadmesRunSimulateAndDashboardSteps_WorkAsWritten_AndLeaveATextToMakeARuleFrom()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(BrandBotProcess.RepoRoot, "README.md"));
        var runIt = readme[readme.IndexOf("## Run it", StringComparison.Ordinal)..readme.IndexOf("## Test it", StringComparison.Ordinal)];
        var run = RunCommand().Match(runIt);
        Assert.True(run.Success, "no dotnet run line in the README's Run it");
        var simulations = SimulateLine().Matches(runIt).Select(m => BrandBotProcess.Words(m.Groups["args"].Value)).ToList();
        Assert.True(simulations.Count >= 3, $"{simulations.Count} simulate lines");
        var dashboard = DashboardUrl().Match(runIt);
        var token = SignInToken().Match(runIt);
        Assert.True(dashboard.Success && token.Success, "the README's dashboard step names no address or token");

        await using var server = BrandBotProcess.Start(BrandBotProcess.Words(run.Groups["args"].Value));
        await server.WaitReadyAsync("http://127.0.0.1:5000/readyz", TimeSpan.FromSeconds(90));
        foreach (var args in simulations)
        {
            var (code, output) = await BrandBotProcess.RunAsync(args);
            Assert.True(code == 0, $"{string.Join(' ', args)}: {output}");
        }

        await WithScreenshotsAsync(async pages =>
        {
            var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = new Uri(dashboard.Groups["url"].Value).GetLeftPart(UriPartial.Authority) });
            var page = await context.NewPageAsync();
            pages.Add(page);
            await page.GotoAsync(dashboard.Groups["url"].Value);
            await page.FillAsync("#token", token.Groups["token"].Value);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForSelectorAsync("#content[data-loaded]");
            await ExpectTextAsync(page.Locator("[data-metric=follows-today]"), "1");
            await ExpectTextAsync(page.Locator("[data-metric=unanswered-today]"), "1");

            await OpenAsync(page, "/admin/unanswered");
            var row = page.Locator(".unanswered-row", new() { HasText = "do you deliver" });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await row.Locator(".make-rule").ClickAsync();
            Assert.Contains("equal: \"do you deliver\"", await RulesEditor.ReadAsync(page));
        });
    }

    [GeneratedRegex(@"^dotnet run --project src/BrandBot -- (?<args>.+)$", RegexOptions.Multiline)]
    private static partial Regex RunCommand();

    [GeneratedRegex(@"^\./brandbot (?<args>simulate .+)$", RegexOptions.Multiline)]
    private static partial Regex SimulateLine();

    [GeneratedRegex(@"open <(?<url>http://127\.0\.0\.1:\d+/admin)>")]
    private static partial Regex DashboardUrl();

    [GeneratedRegex(@"sign in with `(?<token>[^`]+)`")]
    private static partial Regex SignInToken();

}
