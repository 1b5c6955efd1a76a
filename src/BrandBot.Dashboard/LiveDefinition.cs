using BrandBot.Rules.Loading;
using BrandBot.Rules.Model;
using BrandBot.Rules.Store;

namespace BrandBot.Dashboard;

/// <summary>
/// The live version's parsed definition (rule and scene names for the Keywords and Channels pages),
/// parsed once per published version. The request path's compiled rules keep no definition, on purpose:
/// at 100,000 rules it would double their memory.
/// </summary>
public sealed class LiveDefinition(IRuleStore store)
{
    // One reference swapped whole, so a reader never pairs one version's hash with another's definition.
    private Parsed _cached = new("", "", null);

    public async Task<RuleSetDefinition?> GetAsync(string account, CancellationToken cancellationToken) =>
        (await GetWithSnapshotAsync(account, cancellationToken)).Definition;

    /// <summary>The live snapshot (null before the first publish) and its definition.</summary>
    public async Task<(RuleSnapshot? Snapshot, RuleSetDefinition? Definition)> GetWithSnapshotAsync(string account, CancellationToken cancellationToken)
    {
        var current = await store.GetCurrentAsync(account, cancellationToken);
        if (current is null)
        {
            return (null, null);
        }

        var cached = _cached;
        if (cached.Account == account && cached.Hash == current.ContentHash)
        {
            return (current, cached.Definition);
        }

        var definition = RulesFile.Parse(current.Yaml).Definition;
        _cached = new Parsed(account, current.ContentHash, definition);
        return (current, definition);
    }

    private sealed record Parsed(string Account, string Hash, RuleSetDefinition? Definition);
}
