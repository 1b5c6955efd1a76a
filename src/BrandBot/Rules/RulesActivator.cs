using BrandBot.Logging;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Store;
using Microsoft.Extensions.Logging;

namespace BrandBot.Rules;

/// <summary>
/// Turns the store's current version into the live compiled rule set, off the request path: the
/// parse and compile happen here once per version, and requests only read the swapped-in reference.
/// </summary>
public sealed class RulesActivator
{
    private readonly IRuleStore _store;
    private readonly LiveRuleSets _live;
    private readonly ILogger<RulesActivator> _logger;

    public RulesActivator(IRuleStore store, LiveRuleSets live, ILogger<RulesActivator> logger)
    {
        _store = store;
        _live = live;
        _logger = logger;
        _store.Changed += account => _ = ActivateInBackgroundAsync(account);
    }

    public async Task ActivateAsync(string account, CancellationToken cancellationToken = default)
    {
        var snapshot = await _store.GetCurrentAsync(account, cancellationToken);
        if (snapshot is null || _live.Get(account).Version >= snapshot.Version)
        {
            return;
        }

        var parsed = RulesFile.Parse(snapshot.Yaml);
        if (parsed.Definition is null)
        {
            throw new InvalidOperationException($"version {snapshot.Version} does not parse");
        }

        var compiled = new CompiledRuleSet(parsed.Definition, snapshot.Version);
        if (_live.Swap(account, compiled))
        {
            Log.RulesLive(_logger, account, snapshot.Version, parsed.Definition.Rules.Count, compiled.KeywordCount);
        }
    }

    private async Task ActivateInBackgroundAsync(string account)
    {
        try
        {
            await Task.Yield();
            await ActivateAsync(account);
        }
        catch (Exception ex)
        {
            Log.ActivationFailed(_logger, account, ex);
        }
    }
}
