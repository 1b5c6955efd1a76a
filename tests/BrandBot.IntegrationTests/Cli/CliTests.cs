using BrandBot.Commands;

namespace BrandBot.IntegrationTests.Cli;

public class CliTests
{
    [Fact]
    public async Task RulesValidate_GoodFile_ExitsZero()
    {
        var file = TestAccounts.WriteRules(TestAccounts.Rules);
        var (code, output, _) = await RunAsync(["validate", file]);
        Assert.Equal(0, code);
        Assert.Contains("OK", output);
    }

    [Fact]
    public async Task RulesValidate_BadFile_PrintsEveryProblemWithLineAndExitsOne()
    {
        var file = TestAccounts.WriteRules("""
            rules:
              - name: a
                keywords: [ regex: "(" ]
                replies: [ text: "x" ]
              - name: a
                keywords: [ equal: "y" ]
                replies: [ image: {} ]
            """);
        var (code, output, error) = await RunAsync(["validate", file]);
        Assert.Equal(1, code);
        Assert.Contains($"{file}:line 3: error:", error);
        Assert.Contains($"{file}:line 5: error: rule name 'a'", error);
        Assert.Contains($"{file}:line 7: error:", error);
        Assert.Contains("3 errors", output);
    }

    [Fact]
    public async Task RulesValidate_MissingFile_ExitsTwo()
    {
        var (code, _, error) = await RunAsync(["validate", "/nonexistent.yaml"]);
        Assert.Equal(2, code);
        Assert.Contains("not found", error);
    }

    [Fact]
    public async Task RulesTest_ShowsRuleAndReply()
    {
        var file = TestAccounts.WriteRules(TestAccounts.Rules);
        var (code, output, _) = await RunAsync(["test", "--file", file, "营业时间"]);
        Assert.Equal(0, code);
        Assert.Contains("matched: rule 'hours' (keyword)", output);
        Assert.Contains("We open 9:00-21:00", output);

        (code, output, _) = await RunAsync(["test", "--file", file, "--event", "subscribe", "--key", "poster-2026"]);
        Assert.Equal(0, code);
        Assert.Contains("scene 'poster-2026'", output);

        (_, output, _) = await RunAsync(["test", "--file", file, "--event", "click", "--key", "NOPE"]);
        Assert.Contains("success", output);
    }

    [Theory]
    [InlineData("rules publish", "--account <NAME> (REQUIRED)", "--by <WHO>")]
    [InlineData("rules stats", "--days <N>", "--json")]
    [InlineData("rules history", "--account <NAME> (REQUIRED)", "--json")]
    [InlineData("rules diff", "<FILE>", "--json")]
    [InlineData("rules test", "--file <RULES>", "--event")]
    [InlineData("rules rollback", "--to <VERSION> (REQUIRED)", "--message <TEXT>")]
    [InlineData("rules import-console", "<FILE>", "--out <RULES.yaml>")]
    [InlineData("simulate", "--mode <plain|compat|safe>", "--verify")]
    [InlineData("simulate check", "--url <URL> (REQUIRED)", "--json")]
    [InlineData("probe", "<URL>", "--help")]
    public async Task EveryVerb_HasHelp_ListingItsOptions(string verb, string expected, string alsoExpected)
    {
        var (code, output, _) = await CliAsync([.. verb.Split(' '), "--help"]);
        Assert.Equal(0, code);
        // The usage line names the verb's words (a parent's own arguments may stand between them).
        Assert.Matches($"brandbot {string.Join(".* ", verb.Split(' '))}", output);
        Assert.Contains(expected, output);
        Assert.Contains(alsoExpected, output);
    }

    [Fact]
    public async Task UnknownOption_PrintsOneErrorLineAndTheVerbsUsage_ExitTwo()
    {
        var (code, output, error) = await CliAsync(["rules", "publish", "--nope", "x"]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var lines = error.Split('\n');
        Assert.Equal("error: unknown option '--nope'", lines[0].TrimEnd());
        Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("brandbot rules publish <FILE> [options]", error);

        (code, output, error) = await CliAsync(["rules", "publsh", "x"]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: unknown verb 'publsh'", error);
        Assert.Contains("publish <FILE>", error);
    }

    [Fact]
    public async Task MissingArgumentOrRequiredOption_ExitTwoWithUsage()
    {
        var (code, _, error) = await CliAsync(["rules", "validate"]);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", error);
        Assert.Contains("brandbot rules validate <FILE>", error);

        (code, _, error) = await CliAsync(["rules", "history"]);
        Assert.Equal(2, code);
        Assert.Contains("'--account' is required", error);

        (code, _, error) = await CliAsync(["rules", "stats", "--account", "a", "--days", "0"]);
        Assert.Equal(2, code);
        Assert.Contains("--days must be from 1 to 400", error);

        (code, _, error) = await CliAsync(["rules", "validate", "x.yaml", "--settings", "/nonexistent/settings.json"]);
        Assert.Equal(2, code);
        Assert.Contains("error: --settings file '/nonexistent/settings.json' does not exist", error);
    }

    [Fact]
    public async Task RulesTest_PrintsTheReplyAsAnOperatorReadsIt_AndXmlOnlyWhenAsked()
    {
        var file = TestAccounts.WriteRules(TestAccounts.Rules);

        var (code, output, _) = await RunAsync(["test", "--file", file, "hours"]);
        Assert.Equal(0, code);
        Assert.Contains("reply: text: We open 9:00-21:00", output);
        Assert.DoesNotContain("reply_all", output);
        Assert.DoesNotContain("<xml>", output);

        (code, output, _) = await RunAsync(["test", "--file", file, "news"]);
        Assert.Equal(0, code);
        Assert.Contains("reply: news, 3 articles: one | two | three", output);

        (code, output, _) = await RunAsync(["test", "--file", file, "--xml", "hours"]);
        Assert.Equal(0, code);
        Assert.Contains("<Content><![CDATA[We open 9:00-21:00]]></Content>", output);
    }

    [Fact]
    public async Task Verbs_TakeSettingsOverrides_LikeTheServer()
    {
        var rules = TestAccounts.WriteRules("rules:\n  - { name: hours, keywords: [ equal: \"hours\" ], replies: [ text: \"from the override\" ] }\n");
        var settings = TestAccounts.WriteRules("{}").Replace("rules.yaml", "settings.json", StringComparison.Ordinal);
        await File.WriteAllTextAsync(settings, """{ "BrandBot": { "Accounts": [ { "Name": "demo", "Token": "t", "RulesFile": "/nonexistent.yaml" } ] } }""");

        var (code, output, error) = await RunAsync(["test", "--settings", settings, $"--BrandBot:Accounts:0:RulesFile={rules}", "hours"]);
        Assert.True(code == 0, error);
        Assert.Contains("from the override", output);

        (code, output, error) = await RunAsync(["test", "--settings", settings, "--BrandBot:Accounts:0:RulesFile", rules, "hours"]);
        Assert.True(code == 0, error);
        Assert.Contains("from the override", output);
    }

    [Fact]
    public void BroadcastStatus_WritesTimesInUtc_SayingSo()
    {
        var due = DateTimeOffset.Parse("2026-12-07T00:30:05+08:00", System.Globalization.CultureInfo.InvariantCulture);
        var status = new BrandBot.Broadcasts.Status.BroadcastStatus(
            "spring-1", "sending", "text", "tag spring", due, due.AddMinutes(1), 10, 0, null, null, null, null, 0, 0, null, null, null, "ops",
            [new(0, "bb-1", "failed", 10, 1, null, false, null, due.AddSeconds(90), "system busy")]);
        var output = new StringWriter();

        BroadcastCommands.WriteStatus(output, status);

        var text = output.ToString();
        Assert.Contains("due 2026-12-06 16:30:05 UTC  sent 2026-12-06 16:31:05 UTC", text);
        Assert.Contains("retry at 2026-12-06 16:31:35 UTC (system busy)", text);
    }

    private static async Task<(int Code, string Output, string Error)> CliAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Commands.Cli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(string[] args) => CliAsync(["rules", .. args]);
}
