using BrandBot.Protocol.Replies;
using BrandBot.Rules.Model;

namespace BrandBot.Benchmarks;

/// <summary>
/// Rule sets of any size, shaped like a large brand's: mostly equal keywords (product names, codes),
/// many contain keywords, a few regexes; half Chinese, half ASCII. Seeded, so every run is the same.
/// </summary>
public static class SyntheticRules
{
    private const string Hanzi = "营业时间门店地址会员积分优惠活动新品上市退换货物流查询客服电话预约试驾报名";

    public static RuleSetDefinition Create(int keywords, int seed = 2026)
    {
        var random = new Random(seed);
        var rules = new List<RuleDefinition>();
        var perRule = 5;
        for (var r = 0; r * perRule < keywords; r++)
        {
            var list = new List<KeywordDefinition>();
            for (var k = 0; k < perRule && r * perRule + k < keywords; k++)
            {
                var n = r * perRule + k;
                // Unique by construction: the number is part of every keyword.
                var word = n % 2 == 0 ? $"sku{n}x{Word(random, 3)}" : $"{Hanzi[random.Next(Hanzi.Length)]}{Hanzi[random.Next(Hanzi.Length)]}{n}";
                var kind = n % 10 < 6 ? KeywordKind.Equal : KeywordKind.Contain;
                list.Add(new KeywordDefinition(kind, word, 0));
            }

            if (r % 2000 == 1)
            {
                list.Add(new KeywordDefinition(KeywordKind.Regex, $"^order\\s*#?{r}\\d{{4}}$", 0));
            }

            rules.Add(new RuleDefinition($"rule-{r}", random.Next(3), list, [], new ReplyGroupDefinition(
                ReplyMode.ReplyAll, [new StaticReply(new TextReply($"answer {r}"), 0)], 0), 0));
        }

        return new RuleSetDefinition(null, new ReplyGroupDefinition(ReplyMode.ReplyAll, [new StaticReply(new TextReply("default"), 0)], 0), rules);
    }

    private static string Word(Random random, int length) => new([.. Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26)))]);
}
