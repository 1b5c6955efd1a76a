using System.Text;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;

namespace BrandBot.Rules.Tests;

public class LargeRuleSetTests
{
    [Fact]
    public void HundredThousandKeywords_LoadValidateCompileAndAnswer()
    {
        // 20,000 rules × 5 keywords, through the same YAML → validate → compile path a publish takes.
        var yaml = new StringBuilder("default:\n  replies: [ text: \"default\" ]\nrules:\n");
        for (var r = 0; r < 20_000; r++)
        {
            yaml.Append("  - name: r").Append(r).Append("\n    keywords: [ ");
            for (var k = 0; k < 5; k++)
            {
                var n = (r * 5) + k;
                yaml.Append(k < 3 ? "equal: \"sku-" : "contain: \"码").Append(n).Append(k < 3 ? "\", " : "号\", ");
            }

            yaml.Append("]\n    replies: [ text: \"answer ").Append(r).Append("\" ]\n");
        }

        var parsed = RulesFile.Parse(yaml.ToString());
        Assert.False(parsed.HasErrors, string.Join("\n", parsed.Problems.Take(5)));
        var rules = new CompiledRuleSet(parsed.Definition!);

        Assert.Equal(100_000, rules.KeywordCount);
        Assert.Equal("r0", rules.MatchOrDefault("SKU-0").RuleName);
        Assert.Equal("r19999", rules.MatchOrDefault("sku-99997").RuleName);
        Assert.Equal("r12345", rules.MatchOrDefault("我要查码61729号的订单").RuleName);
        Assert.Equal(MatchKind.Default, rules.MatchOrDefault("sku-100000").Kind);
    }
}
