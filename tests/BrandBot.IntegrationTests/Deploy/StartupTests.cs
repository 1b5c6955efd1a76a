using BrandBot.Options;
using Microsoft.Extensions.Options;

namespace BrandBot.IntegrationTests.Deploy;

public class StartupTests
{
    [Fact]
    public async Task BadSettings_FailStartupWithOneLinePerProblemNamingTheSetting()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["BrandBot:Accounts:0:Name"] = "bad name!",
            ["BrandBot:Accounts:0:Token"] = "",
            ["BrandBot:Accounts:0:EncodingAESKey"] = "tooShortKey",
            ["BrandBot:Accounts:0:RulesFile"] = "/nonexistent/rules.yaml",
            ["BrandBot:Accounts:1:Name"] = "second",
            ["BrandBot:Accounts:1:Token"] = "t",
            ["BrandBot:Accounts:1:AppId"] = "gh_123",
        }));

        var failures = ex.Failures.ToList();
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Accounts:0:Name", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Accounts:0:Token is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Accounts:0:EncodingAESKey must be 43 characters (got 11)", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Accounts:0:AppId is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Accounts:0:RulesFile", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Accounts:1:AppId must be the wx", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("tooShortKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadDeliverySettings_AreEachNamed()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["BrandBot:Accounts:0:Name"] = "acme",
            ["BrandBot:Accounts:0:Token"] = "t",
            ["BrandBot:WeChatApiBaseUrl"] = "api.weixin.qq.com",
            ["BrandBot:PushBudgetMilliseconds"] = "5000",
            ["BrandBot:DedupSeconds"] = "15",
            ["BrandBot:ReplayWindowSeconds"] = "-1",
            ["BrandBot:RateLimit:PerFollower"] = "-3",
            ["BrandBot:Backends:FailureRatio"] = "2",
            ["BrandBot:Backends:MinimumCalls"] = "1",
        }));

        var failures = ex.Failures.ToList();
        foreach (var setting in new[] { "WeChatApiBaseUrl", "PushBudgetMilliseconds", "DedupSeconds", "ReplayWindowSeconds", "RateLimit:PerFollower", "Backends:FailureRatio", "Backends:MinimumCalls" })
        {
            Assert.Single(failures, f => f.StartsWith("BrandBot:" + setting, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task NoAccounts_FailsStartup()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(new Dictionary<string, string?>()));
        Assert.Contains(ex.Failures, f => f.StartsWith("BrandBot:Accounts must list", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RulesFileWithErrors_FailsStartupNamingFileAndLine()
    {
        var file = TestAccounts.WriteRules("rules:\n  - name: a\n    keywords: [ regex: \"(\" ]\n    replies: [ text: \"x\" ]\n");
        var ex = await Assert.ThrowsAsync<StartupProblemsException>(() => TestServer.StartAsync(TestAccounts.Settings(file)));
        Assert.Contains(ex.Problems, p => p.StartsWith(file + ":line 3: error:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RelativeRulesFile_ResolvesAgainstWorkingDirectory()
    {
        var file = TestAccounts.WriteRules(TestAccounts.Rules);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
        Assert.False(Path.IsPathRooted(relative));
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(relative));
        Assert.Equal("ready", await server.Client.GetStringAsync("/readyz"));
    }
}
