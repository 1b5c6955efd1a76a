using BrandBot.Protocol.Replies;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Tests;

/// <summary>The <c>webhook</c> reply kind and <c>fallback</c> lists (docs/rules-file.md).</summary>
public class BackendRulesTests
{
    private const string Order = """
        default:
          replies: [ text: "default" ]
        rules:
          - name: order
            keywords: [ contain: "order" ]
            replies:
              - webhook: { url: "https://backend.example/order", timeoutMs: 2500 }
              - text: "after"
            fallback:
              - text: "order lookup is busy"
        """;

    [Fact]
    public void Webhook_IsReadWithUrlTimeoutAndFallback()
    {
        var result = RulesFile.Parse(Order);
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        var rule = Assert.Single(result.Definition!.Rules);
        var webhook = Assert.IsType<WebhookReply>(rule.Replies.Replies[0]);
        Assert.Equal(new Uri("https://backend.example/order"), webhook.Url);
        Assert.Equal(2500, webhook.TimeoutMs);
        Assert.Equal(7, webhook.Line);
        var fallback = Assert.IsType<StaticReply>(Assert.Single(rule.Replies.Fallback));
        Assert.Equal(new TextReply("order lookup is busy"), fallback.Reply);
    }

    [Fact]
    public void Webhook_TimeoutDefaultsTo3000()
    {
        var result = RulesFile.Parse("rules:\n  - name: a\n    keywords: [ equal: x ]\n    replies: [ webhook: { url: \"http://10.0.0.5:8080/hook\" } ]\n    fallback: [ text: f ]\n");
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        Assert.Equal(3000, Assert.IsType<WebhookReply>(result.Definition!.Rules[0].Replies.Replies[0]).TimeoutMs);
    }

    [Theory]
    [InlineData("webhook: { url: \"ftp://x/y\" }", "absolute http(s) URL")]
    [InlineData("webhook: { url: \"/relative\" }", "absolute http(s) URL")]
    [InlineData("webhook: { url: \"https://x\", timeoutMs: 0 }", "timeoutMs")]
    [InlineData("webhook: { url: \"https://x\", timeoutMs: abc }", "timeoutMs")]
    [InlineData("webhook: { url: \"https://x\", retries: 3 }", "retries")]
    public void BadWebhook_IsAnErrorOnItsLine(string reply, string expected)
    {
        var result = RulesFile.Parse($"rules:\n  - name: a\n    keywords: [ equal: x ]\n    replies:\n      - {reply}\n");
        Assert.Contains(result.Problems, p => p.Severity == ProblemSeverity.Error && p.Line == 5 && p.Message.Contains(expected));
    }

    [Fact]
    public void WebhookInsideFallback_IsAnError()
    {
        var result = RulesFile.Parse("rules:\n  - name: a\n    keywords: [ equal: x ]\n    replies: [ webhook: { url: \"https://a\" } ]\n    fallback:\n      - webhook: { url: \"https://b\" }\n");
        Assert.Contains(result.Problems, p => p.Severity == ProblemSeverity.Error && p.Line == 6 && p.Message.Contains("fallback must not call a backend"));
    }

    [Fact]
    public void WebhookWithoutFallbackOrDefault_IsWarned()
    {
        var result = RulesFile.Parse("rules:\n  - name: a\n    keywords: [ equal: x ]\n    replies: [ webhook: { url: \"https://a\" } ]\n");
        Assert.False(result.HasErrors);
        Assert.Contains(result.Problems, p => p.Severity == ProblemSeverity.Warning && p.Message.Contains("failing backend leaves the follower without an answer"));
    }

    [Fact]
    public void WebhookWithoutAppSecret_IsWarned()
    {
        var result = RulesFile.Parse(Order, hasAppSecret: false);
        Assert.Contains(result.Problems, p => p.Severity == ProblemSeverity.Warning && p.Message.Contains("misses the push budget"));
    }

    [Fact]
    public void FallbackWithoutWebhook_IsWarned()
    {
        var result = RulesFile.Parse("rules:\n  - name: a\n    keywords: [ equal: x ]\n    replies: [ text: t ]\n    fallback: [ text: f ]\n");
        Assert.Contains(result.Problems, p => p.Severity == ProblemSeverity.Warning && p.Message.Contains("no webhook reply"));
    }

    [Fact]
    public void FallbackReplies_AreValidatedLikeReplies()
    {
        var result = RulesFile.Parse("rules:\n  - name: a\n    keywords: [ equal: x ]\n    replies: [ webhook: { url: \"https://a\" } ]\n    fallback:\n      - image: { mediaId: \"\" }\n");
        Assert.Contains(result.Problems, p => p.Severity == ProblemSeverity.Error && p.Message.Contains("needs a mediaId"));
    }

    [Fact]
    public void CompiledGroup_KnowsItCallsABackend_AndCarriesItsFallback()
    {
        var set = new CompiledRuleSet(RulesFile.Parse(Order).Definition!);
        var group = set.MatchOrDefault("my order please").Replies!;
        Assert.True(group.CallsBackend);
        Assert.Equal([new TextReply("order lookup is busy")], group.Fallback);
        Assert.False(set.Default.Replies!.CallsBackend);
    }

    [Fact]
    public void Diff_SeesAChangedWebhookOrFallback()
    {
        var before = RulesFile.Parse(Order).Definition!;
        var timeout = RulesFile.Parse(Order.Replace("2500", "2000")).Definition!;
        var fallback = RulesFile.Parse(Order.Replace("is busy", "is down")).Definition!;
        Assert.Equal(["order"], RuleSetDiff.Between(before, timeout).Changed);
        Assert.Equal(["order"], RuleSetDiff.Between(before, fallback).Changed);
        Assert.True(RuleSetDiff.Between(before, RulesFile.Parse(Order).Definition!).IsEmpty);
    }
}
