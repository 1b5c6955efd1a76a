using BrandBot.Rules.Loading;
using BrandBot.Testing;

namespace BrandBot.Dashboard.Tests;

/// <summary>"Make a rule from this": the draft cannot reach followers as it is, and a rule from a masked text can fire.</summary>
public sealed class RuleDraftTests
{
    private const string Live = "rules:\n  - { name: hours, keywords: [ equal: \"hours\" ], replies: [ text: \"9-21\" ] }\n";

    [Fact]
    public void Draft_FailsValidation_UntilTheAnswerIsWritten()
    {
        var draft = RuleDraft.Append(Live, "parking");

        var parsed = RulesFile.Parse(draft);
        var problem = Assert.Single(parsed.Problems, p => p.Severity == ProblemSeverity.Error);
        Assert.Contains("placeholder", problem.Message, StringComparison.Ordinal);

        var written = RulesFile.Parse(draft.Replace(RuleSetValidator.DraftPlaceholder, "Parking is free after 6 pm", StringComparison.Ordinal));
        Assert.False(written.HasErrors, string.Join("\n", written.Problems));
    }

    [Fact]
    public void DraftFromAMaskedText_MatchesTheTextsItStandsFor()
    {
        var shown = TextMask.Mask("call me 13812345678");
        Assert.Equal("call me 138****5678", shown);

        var draft = RuleDraft.Append(Live, shown).Replace(RuleSetValidator.DraftPlaceholder, "We'll call you back", StringComparison.Ordinal);
        var rules = RuleTestData.Compile(draft);

        Assert.Equal("asked-call-me-138-5678", rules.Route(RuleTestData.Text("call me 13812345678")).RuleName);
        Assert.Equal("asked-call-me-138-5678", rules.Route(RuleTestData.Text("call me 13899995678")).RuleName);
        Assert.Null(rules.Route(RuleTestData.Text("call me 138****5678")).RuleName);
    }
}
