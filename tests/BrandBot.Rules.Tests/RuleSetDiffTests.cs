using BrandBot.Rules.Loading;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Tests;

/// <summary>What a publish reports as added, changed and removed (docs/rules-file.md).</summary>
public class RuleSetDiffTests
{
    private const string Yaml = """
        follow:
          replies: [ text: "welcome" ]
          scenes:
            spring: { replies: [ text: "spring welcome" ] }
        default:
          replies: [ text: "default" ]
        rules:
          - { name: hours, keywords: [ equal: "hours" ], replies: [ text: "9-5" ] }
          - { name: price, keywords: [ contain: "price" ], replies: [ text: "cheap" ] }
        """;

    [Fact]
    public void FirstVersion_AddsEveryPart_InTheOrderAndNamesAComparisonGives()
    {
        var definition = RulesFile.Parse(Yaml).Definition!;

        // The first version takes a shortcut (no fingerprints); it must name what comparing with an
        // empty rule set names.
        var first = RuleSetDiff.Between(null, definition);
        var againstEmpty = RuleSetDiff.Between(new RuleSetDefinition(null, null, []), definition);

        Assert.Equal(["hours", "price", "(follow)", "(scene spring)", "(default)"], first.Added);
        Assert.Equal(againstEmpty.Added, first.Added);
        Assert.Empty(first.Changed);
        Assert.Empty(first.Removed);
    }
}
