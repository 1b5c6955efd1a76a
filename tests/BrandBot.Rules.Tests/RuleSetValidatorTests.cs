using BrandBot.Rules.Loading;

namespace BrandBot.Rules.Tests;

public class RuleSetValidatorTests
{
    [Fact]
    public void Validate_DuplicateName_NamesTheFirstLine()
    {
        var problems = Problems("""
            rules:
              - name: a
                keywords: [ equal: "x" ]
                replies: [ text: "1" ]
              - name: a
                keywords: [ equal: "y" ]
                replies: [ text: "2" ]
            """);
        Assert.Contains(problems, p => p.Line == 5 && p.Severity == ProblemSeverity.Error && p.Message.Contains("line 2"));
    }

    [Fact]
    public void Validate_RuleThatCanNeverFire_IsAnError()
    {
        Assert.Contains(Problems("rules:\n  - name: a\n    replies: [ text: \"1\" ]\n"), p => p.Line == 2 && p.Message.Contains("can never fire"));
    }

    [Fact]
    public void Validate_InvalidRegex_IsAnErrorOnItsLine()
    {
        var problems = Problems("rules:\n  - name: a\n    keywords:\n      - regex: \"(unclosed\"\n    replies: [ text: \"1\" ]\n");
        Assert.Contains(problems, p => p.Line == 4 && p.Severity == ProblemSeverity.Error && p.Message.Contains("regex"));
    }

    [Theory]
    [InlineData("keywords: [ equal: \"  \" ]\n    replies: [ text: \"1\" ]", "empty equal keyword")]
    [InlineData("keywords: [ equal: \"x\" ]\n    replies: []", "has no replies")]
    [InlineData("keywords: [ equal: \"x\" ]\n    replies: [ text: \"\" ]", "text reply is empty")]
    [InlineData("keywords: [ equal: \"x\" ]\n    replies: [ image: {} ]", "needs a mediaId")]
    [InlineData("keywords: [ equal: \"x\" ]\n    replies: [ voice: { mediaId: \"\" } ]", "needs a mediaId")]
    [InlineData("keywords: [ equal: \"x\" ]\n    replies: [ news: [] ]", "no articles")]
    [InlineData("keywords: [ equal: \"x\" ]\n    replies: [ news: [ { description: \"d\" } ] ]", "no title")]
    public void Validate_BadRule_IsAnError(string body, string expected)
    {
        var problems = Problems("rules:\n  - name: a\n    " + body + "\n");
        Assert.Contains(problems, p => p.Severity == ProblemSeverity.Error && p.Message.Contains(expected));
    }

    [Fact]
    public void Validate_TextOver2048Utf8Bytes_IsAnError()
    {
        var text = new string('字', 683); // 2049 bytes
        var problems = Problems($"rules:\n  - name: a\n    keywords: [ equal: \"x\" ]\n    replies: [ text: \"{text}\" ]\n");
        Assert.Contains(problems, p => p.Severity == ProblemSeverity.Error && p.Message.Contains("2049 UTF-8 bytes"));
    }

    [Fact]
    public void Validate_NineArticles_IsAnError_TwoOnAKeywordRule_IsAWarning()
    {
        var nine = string.Join(", ", Enumerable.Range(1, 9).Select(i => $"{{ title: \"t{i}\" }}"));
        Assert.Contains(Problems($"follow:\n  replies: [ news: [ {nine} ] ]\n"), p => p.Severity == ProblemSeverity.Error && p.Message.Contains("at most 8"));
        var two = Problems("rules:\n  - name: a\n    keywords: [ equal: \"x\" ]\n    replies: [ news: [ { title: \"1\" }, { title: \"2\" } ] ]\n");
        Assert.Contains(two, p => p.Severity == ProblemSeverity.Warning && p.Message.Contains("only its first article"));
        Assert.DoesNotContain(two, p => p.Severity == ProblemSeverity.Error);
    }

    [Fact]
    public void Validate_HttpLinkAndSharedKeyword_AreWarnings()
    {
        var problems = Problems("""
            rules:
              - name: a
                keywords: [ equal: "VIP" ]
                replies: [ news: [ { title: "t", url: "http://example.com" } ] ]
              - name: b
                keywords: [ equal: "vip" ]
                replies: [ text: "b" ]
            """);
        Assert.Contains(problems, p => p.Severity == ProblemSeverity.Warning && p.Message.Contains("not an https link"));
        Assert.Contains(problems, p => p.Line == 6 && p.Severity == ProblemSeverity.Warning && p.Message.Contains("rule 'a'"));
        Assert.DoesNotContain(problems, p => p.Severity == ProblemSeverity.Error);
    }

    private static IReadOnlyList<RuleProblem> Problems(string yaml) => RulesFile.Parse(yaml).Problems;
}

public class ShadowAnalysisTests
{
    [Fact]
    public void EqualKeywordContainingAHigherPriorityContainKeyword_IsShadowed()
    {
        var problems = RulesFile.Parse("""
            rules:
              - name: general
                priority: 5
                keywords: [ contain: "store" ]
                replies: [ text: "stores" ]
              - name: specific
                keywords:
                  - equal: "Store hours"
                  - equal: "opening"
                replies: [ text: "hours" ]
            """).Problems;
        Assert.Contains(problems, p => p.Line == 8 && p.Severity == ProblemSeverity.Warning && p.Message.Contains("rule 'general'"));
        Assert.DoesNotContain(problems, p => p.Severity == ProblemSeverity.Error);
    }

    [Fact]
    public void RuleWhoseEveryKeywordIsShadowed_CanNeverFire()
    {
        var problems = RulesFile.Parse("""
            rules:
              - { name: first, keywords: [ contain: "vip" ], menuKeys: [ VIP ], replies: [ text: "1" ] }
              - { name: second, keywords: [ contain: "VIP club", equal: "my vip" ], menuKeys: [ VIP ], replies: [ text: "2" ] }
            """).Problems;
        Assert.Contains(problems, p => p.Line == 3 && p.Severity == ProblemSeverity.Error && p.Message.Contains("'second' can never fire"));
    }

    [Fact]
    public void SameRankOrLowerPriority_DoesNotShadow_AndRegexIsAssumedLive()
    {
        var problems = RulesFile.Parse("""
            rules:
              - { name: a, keywords: [ equal: "vip club" ], replies: [ text: "1" ] }
              - { name: b, keywords: [ contain: "vip" ], replies: [ text: "2" ] }
              - { name: c, priority: -1, keywords: [ regex: "vip" ], replies: [ text: "3" ] }
            """).Problems;
        Assert.DoesNotContain(problems, p => p.Message.Contains("never"));
    }

    [Fact]
    public void ReplyAllWithoutAppSecret_IsAWarningOnlyWhenKnown()
    {
        const string yaml = "rules:\n  - { name: a, keywords: [ equal: \"x\" ], replies: [ text: \"1\", text: \"2\" ] }\n";
        Assert.Contains(RulesFile.Parse(yaml, hasAppSecret: false).Problems, p => p.Severity == ProblemSeverity.Warning && p.Message.Contains("AppSecret"));
        Assert.DoesNotContain(RulesFile.Parse(yaml).Problems, p => p.Message.Contains("AppSecret"));
    }
}
