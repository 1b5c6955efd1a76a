using BrandBot.Commands;

namespace BrandBot.IntegrationTests;

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

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await RulesCommands.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
