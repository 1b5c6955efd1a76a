using System.Text.RegularExpressions;
using BrandBot.Testing;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// The README's "A brand's first broadcast", run as a newcomer runs it: the first day's commands from
/// docs/account-as-code.md (redis-server, BrandBot on appsettings.first-day.json, account apply, a follow
/// through the poster, which tags the follower), the fake WeChat API started by the README's own line
/// (pushing job results back), the README's broadcast lines with its <c>$F</c> and the first day's
/// <c>$S</c>, and at the end the Broadcasts page in a real browser. The executables built beside the
/// tests stand in for <c>dotnet run</c> and <c>./brandbot</c>, which would only build them first.
/// </summary>
public sealed partial class ReadmeBroadcastStoryTests(BrowserFixture browser) : BrowserTest(browser)
{
    // Each step the story waits for (a tagging, WeChat's job result) comes within seconds; this is the patience.
    private static readonly TimeSpan ReadmeWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheReadmesFirstBroadcast_WorksAsWritten_AndShowsOnTheBroadcastsPage()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(BrandBotProcess.RepoRoot, "README.md"));
        var story = Section(readme, "### A brand's first broadcast");
        var firstDay = Section(await File.ReadAllTextAsync(Path.Combine(BrandBotProcess.RepoRoot, "docs", "account-as-code.md")), "## A brand's first day");
        var settings = Assignment(firstDay, "S");
        var file = Assignment(story, "F");
        string[] Expand(string line) => BrandBotProcess.Words(line.Replace("$S", settings, StringComparison.Ordinal).Replace("$F", file, StringComparison.Ordinal));

        var redisArgs = BrandBotProcess.Words(Line(firstDay, @"^redis-server (?<args>.+?)\s+#"));
        var serverArgs = BrandBotProcess.Words(Line(firstDay, @"^\./brandbot (?<args>--settings \S+)"));
        var fakeArgs = BrandBotProcess.Words(Line(story, @"^dotnet run --project tests/BrandBot\.FakeWeChat -- (?<args>.+)$"));
        var operatorLines = Lines(firstDay, @"^\./brandbot (?<args>(account (plan|apply)|simulate) .+?)\s*$").Select(Expand).ToList();
        var broadcastLines = Lines(story, @"^\./brandbot (?<args>broadcast .+?)\s*(#.*)?$").Select(Expand).ToList();
        Assert.True(operatorLines.Count >= 3 && broadcastLines.Count >= 5, $"{operatorLines.Count} first-day lines, {broadcastLines.Count} broadcast lines");
        var dashboard = Regex.Match(story, @"open <(?<url>http://127\.0\.0\.1:\d+/admin/broadcasts)>");
        var token = Regex.Match(story, @"signed in with `(?<token>[^`]+)`");
        Assert.True(dashboard.Success && token.Success, "the story names no Broadcasts page address or sign-in token");

        await using var redis = BrandBotProcess.StartProgram("redis-server", Path.GetTempPath(), redisArgs);
        await using var fake = BrandBotProcess.StartProgram("dotnet", BrandBotProcess.RepoRoot, [Path.Combine(AppContext.BaseDirectory, "BrandBot.FakeWeChat.dll"), .. fakeArgs]);
        await using var server = BrandBotProcess.Start(serverArgs);
        await server.WaitReadyAsync("http://127.0.0.1:5000/readyz", TimeSpan.FromSeconds(90));
        foreach (var args in operatorLines)
        {
            var (code, output) = await BrandBotProcess.RunAsync(args);
            Assert.True(code == 0, $"{string.Join(' ', args)}: {output}");
        }

        // The follow through the poster tags the follower in the background; the broadcast goes to that tag.
        await TestHelpers.EventuallyAsync(() => fake.Output.Contains("tags/members/batchtagging", StringComparison.Ordinal), ReadmeWait, $"no follower tagged:\n{fake.Output}");

        var outputs = new List<string>();
        foreach (var args in broadcastLines)
        {
            var (code, output) = await BrandBotProcess.RunAsync(args);
            Assert.True(code == 0, $"{string.Join(' ', args)}: {output}");
            outputs.Add(output);
        }

        Assert.Contains("1 changes", outputs[0]);
        Assert.Single(Regex.Matches(fake.Output, @"mass send(all)? 0 "));
        Assert.Contains("nothing sent again", outputs.Last(o => o.Contains("already", StringComparison.Ordinal)));

        // WeChat's counts arrive with the job-finish event the fake pushes back to the webhook.
        var status = broadcastLines.First(a => a[1] == "status");
        await TestHelpers.EventuallyAsync(async () => Regex.IsMatch((await BrandBotProcess.RunAsync([.. status, "--json"])).Output, "\"sent\": [1-9]"), ReadmeWait, "WeChat's counts never arrived");

        await WithScreenshotsAsync(async pages =>
        {
            var url = new Uri(dashboard.Groups["url"].Value);
            var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = url.GetLeftPart(UriPartial.Authority) });
            var page = await context.NewPageAsync();
            pages.Add(page);
            await page.GotoAsync(url.ToString());
            await page.FillAsync("#token", token.Groups["token"].Value);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForSelectorAsync("#content[data-loaded]");
            await OpenAsync(page, url.AbsolutePath);
            await page.WaitForSelectorAsync("#broadcasts-chart[data-drawn]");
            var row = page.Locator($"#broadcasts-table tr[data-id='{IdOf(file)}']");
            await ExpectTextAsync(row.Locator("td.state"), "finished");
            Assert.Equal(0, await row.Locator("[data-cancel]").CountAsync());
        });
    }

    private static string IdOf(string broadcastFile) =>
        Regex.Match(File.ReadAllText(Path.Combine(BrandBotProcess.RepoRoot, broadcastFile)), @"^id: (?<id>\S+)", RegexOptions.Multiline).Groups["id"].Value;

    /// <summary>From <paramref name="heading"/> to the next heading of any level, with shell line continuations joined.</summary>
    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no '{heading}'");
        var next = Regex.Match(markdown[(start + heading.Length)..], @"^#{2,3} ", RegexOptions.Multiline);
        var section = next.Success ? markdown.Substring(start, heading.Length + next.Index) : markdown[start..];
        return Regex.Replace(section, @"\\\n\s*", " ");
    }

    private static string Assignment(string text, string name) => Line(text, $@"^{name}=(?<args>\S+)");

    private static string Line(string text, string pattern)
    {
        var match = Regex.Match(text, pattern, RegexOptions.Multiline);
        Assert.True(match.Success, $"no line like {pattern}");
        return match.Groups["args"].Value;
    }

    private static IEnumerable<string> Lines(string text, string pattern) =>
        Regex.Matches(text, pattern, RegexOptions.Multiline).Select(m => m.Groups["args"].Value);
}
