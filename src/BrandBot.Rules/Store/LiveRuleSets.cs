using System.Collections.Concurrent;
using BrandBot.Rules.Matching;

namespace BrandBot.Rules.Store;

/// <summary>
/// The compiled rule set each account answers with right now. Swapping is one reference write, so a
/// push in flight finishes with the set it started with and the next push sees the new one.
/// </summary>
public sealed class LiveRuleSets
{
    private readonly ConcurrentDictionary<string, CompiledRuleSet> _current = new(StringComparer.Ordinal);

    /// <summary>The account's current set, or <see cref="CompiledRuleSet.Empty"/> before any is loaded.</summary>
    public CompiledRuleSet Get(string account) => _current.TryGetValue(account, out var set) ? set : CompiledRuleSet.Empty;

    /// <summary>
    /// Installs <paramref name="set"/> whatever is live: the store is the source of truth, even when its
    /// numbering restarted. Callers serialise installs (RulesActivator compiles one version at a time).
    /// </summary>
    public void Install(string account, CompiledRuleSet set) => _current[account] = set;
}
