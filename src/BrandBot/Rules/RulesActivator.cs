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
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public RulesActivator(IRuleStore store, LiveRuleSets live, ILogger<RulesActivator> logger)
    {
        _store = store;
        _live = live;
        _logger = logger;
        _store.Changed += account => _ = ActivateInBackgroundAsync(account);
    }

    /// <summary>Compiles and swaps in the store's current version if it is newer than the live one.</summary>
    public async Task ActivateAsync(string account, CancellationToken cancellationToken = default)
    {
        // Cheap check first: catch-up polling calls this every few seconds for every account.
        if (await _store.GetCurrentVersionAsync(account, cancellationToken) <= _live.Get(account).Version)
        {
            return;
        }

        // One compile at a time: a burst of notifications must not compile the same version N times.
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var snapshot = await _store.GetCurrentAsync(account, cancellationToken);
            if (snapshot is null || snapshot.Version <= _live.Get(account).Version)
            {
                return;
            }

            var parsed = RulesFile.Parse(snapshot.Yaml);
            var definition = parsed.Definition ?? throw new InvalidOperationException($"version {snapshot.Version} does not parse");
            var compiled = new CompiledRuleSet(definition, snapshot.Version);
            if (_live.Swap(account, compiled))
            {
                Log.RulesLive(_logger, account, snapshot.Version, definition.Rules.Count, compiled.KeywordCount);
            }
        }
        finally
        {
            _oneAtATime.Release();
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
