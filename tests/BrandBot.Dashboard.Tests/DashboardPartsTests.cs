using System.Text;
using BrandBot.Dashboard;
using BrandBot.Rules.Loading;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// The dashboard's pieces that need no browser: its startup checks, the rule draft, masking and CSV.
/// The pages themselves are tested in a real browser (tests/BrandBot.DashboardTests).
/// </summary>
public sealed class DashboardPartsTests
{
    [Fact]
    public async Task BadDashboardSettings_FailStartup_OneLineEach_WithoutATokensValue()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Dashboard:Urls"] = "http://127.0.0.1:0;ftp://127.0.0.1:21";
        settings["BrandBot:Dashboard:ViewerToken"] = "short-secret";
        settings["BrandBot:Dashboard:SessionMinutes"] = "0";
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(settings));

        var failures = ex.Failures.ToList();
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Dashboard:Urls entry 'http://127.0.0.1:0' needs an explicit, fixed port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Dashboard:Urls entry 'ftp://127.0.0.1:21' must be an http(s) URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Dashboard:ViewerToken must be at least 16 characters", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Dashboard:SessionMinutes must be between 1 and 1440", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("short-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void DashboardWithoutTokens_OrOnTheWebhooksPort_OrWithDemoTokensBeyondLoopback_IsRefused()
    {
        var none = new DashboardOptions { Urls = "http://127.0.0.1:8081" };
        Assert.Contains(DashboardOptionsValidator.Problems(none, [5000]), p => p.Contains("must be set when BrandBot:Dashboard:Urls is", StringComparison.Ordinal));
        var sharedPort = new DashboardOptions { Urls = "http://127.0.0.1:5000", EditorToken = new string('e', 20) };
        Assert.Contains(DashboardOptionsValidator.Problems(sharedPort, [5000]), p => p.Contains("port 5000 is also the webhook's port", StringComparison.Ordinal));
        var demo = new DashboardOptions { Urls = "http://0.0.0.0:8081", EditorToken = "demo-editor-token-change-me" };
        Assert.Contains(DashboardOptionsValidator.Problems(demo, [5000]), p => p.Contains("demo tokens", StringComparison.Ordinal));
        var demoOnLoopback = new DashboardOptions { Urls = "http://127.0.0.1:8081", EditorToken = "demo-editor-token-change-me" };
        Assert.Empty(DashboardOptionsValidator.Problems(demoOnLoopback, [5000]));
        Assert.Empty(DashboardOptionsValidator.Problems(new DashboardOptions(), [5000]));
    }

    [Fact]
    public void RuleDraft_AppendsAValidRule_ToTheRulesList_KeepingTheRestOfTheFile()
    {
        var draft = RuleDraft.Append(TestAccounts.Rules, "Where is \"Gate B\"?");
        Assert.StartsWith(TestAccounts.Rules.TrimEnd(), draft, StringComparison.Ordinal);
        // Valid once the operator has written the answer (the placeholder itself is refused: RuleDraftTests).
        var parsed = RulesFile.Parse(Written(draft));
        Assert.False(parsed.HasErrors, string.Join("\n", parsed.Problems));
        var rule = parsed.Definition!.Rules[^1];
        Assert.Equal("asked-where-is-gate-b", rule.Name);

        // Rules before another top-level key, and a file with no rules at all.
        var middle = RuleDraft.Append("rules:\n  - { name: a, keywords: [ equal: a ], replies: [ text: a ] }\n\ndefault:\n  replies: [ text: d ]\n", "营业时间");
        var parsedMiddle = RulesFile.Parse(Written(middle));
        Assert.False(parsedMiddle.HasErrors, string.Join("\n", parsedMiddle.Problems));
        Assert.Equal(["a", "asked-营业时间"], parsedMiddle.Definition!.Rules.Select(r => r.Name));
        Assert.NotNull(parsedMiddle.Definition.Default);
        var empty = RulesFile.Parse(Written(RuleDraft.Append("default:\n  replies: [ text: d ]", "hi")));
        Assert.False(empty.HasErrors, string.Join("\n", empty.Problems));
        Assert.Equal("asked-hi", Assert.Single(empty.Definition!.Rules).Name);
    }

    private static string Written(string draft) => draft.Replace(RuleSetValidator.DraftPlaceholder, "an answer", StringComparison.Ordinal);

    [Theory]
    [InlineData("call 13812345678 now", "call 138****5678 now")]
    [InlineData("id 11010519491231002X", "id 11**************2X")]
    [InlineData("order 1234567", "order 12***67")]
    [InlineData("room 123456 is fine", "room 123456 is fine")]
    public void TextMask_HidesPhoneAndIdLikeNumbers(string text, string shown) => Assert.Equal(shown, TextMask.Mask(text));

    [Fact]
    public async Task Csv_HasAByteOrderMark_QuotesWhatNeedsIt_AndDefusesFormulas()
    {
        var result = Csv.File("t.csv", ["text", "count"], [["a,b", 1L], ["=1+1", 2L], ["say \"hi\"", 3L]]);
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider();
        await result.ExecuteAsync(context);
        var bytes = ((MemoryStream)context.Response.Body).ToArray();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        Assert.Equal("text,count\r\n\"a,b\",1\r\n'=1+1,2\r\n\"say \"\"hi\"\"\",3\r\n", Encoding.UTF8.GetString(bytes[3..]));
    }
}
