using BrandBot.Rules.Model;

namespace BrandBot.Rules.Matching;

/// <summary>
/// The one order rules compete in: highest priority first, ties to the earlier rule in the file.
/// A rule's index in this order is its rank; the lowest rank that matches answers.
/// </summary>
public static class RuleRanking
{
    // OrderByDescending is stable, so equal priorities keep file order.
    public static RuleDefinition[] Rank(IEnumerable<RuleDefinition> rules) => [.. rules.OrderByDescending(r => r.Priority)];
}
