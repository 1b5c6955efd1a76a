using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>
/// Finds keywords that can never decide a match because a better-ranked rule always wins first:
/// an <c>equal</c> keyword whose text contains a better rule's <c>contain</c> keyword, and a
/// <c>contain</c> keyword that itself contains one. A rule all of whose ways in are shadowed can
/// never fire. Uses the same Aho-Corasick automaton as matching, so 100,000 keywords stay fast.
/// Regexes cannot be analysed and are assumed able to fire.
/// </summary>
internal static class ShadowAnalysis
{
    public static IEnumerable<RuleProblem> Find(IReadOnlyList<RuleDefinition> rules)
    {
        var ranked = RuleRanking.Rank(rules);
        var rankOf = new Dictionary<RuleDefinition, int>(ranked.Length, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < ranked.Length; i++)
        {
            rankOf[ranked[i]] = i;
        }

        var contains = new List<(string, int)>();
        var menuOwner = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rule in ranked)
        {
            contains.AddRange(rule.Keywords.Where(k => k.Kind == KeywordKind.Contain).Select(k => (TextNormalizer.Normalize(k.Value), rankOf[rule])));
            foreach (var key in rule.MenuKeys)
            {
                menuOwner.TryAdd(key, rankOf[rule]);
            }
        }

        var automaton = AhoCorasick.Build(contains);
        var problems = new List<RuleProblem>();
        foreach (var rule in rules)
        {
            var rank = rankOf[rule];
            var live = 0;
            foreach (var keyword in rule.Keywords)
            {
                var normalized = TextNormalizer.Normalize(keyword.Value);
                var beatenBy = keyword.Kind == KeywordKind.Regex || normalized.Length == 0 ? null : automaton.BestMatch(normalized);
                // A contain keyword always "contains itself"; only a strictly better rank shadows it.
                if (beatenBy is { } other && other < rank)
                {
                    problems.Add(new(keyword.Line, ProblemSeverity.Warning,
                        $"rule '{rule.Name}': {keyword.Kind.ToString().ToLowerInvariant()} keyword \"{keyword.Value}\" can never decide a match: rule '{ranked[other].Name}' (priority {ranked[other].Priority}) contains a keyword found in it and wins first"));
                }
                else
                {
                    live++;
                }
            }

            live += rule.MenuKeys.Count(k => menuOwner[k] == rank);
            if (live == 0 && (rule.Keywords.Count > 0 || rule.MenuKeys.Count > 0))
            {
                problems.Add(new(rule.Line, ProblemSeverity.Error, $"rule '{rule.Name}' can never fire: every keyword and menu key is always won by a higher-ranked rule"));
            }
        }

        return problems;
    }
}
