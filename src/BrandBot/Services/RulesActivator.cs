using System.Collections.Concurrent;
using BrandBot.Logging;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Store;

namespace BrandBot.Services;

/// <summary>
/// Turns the store's current version into the live compiled rule set, off the request path: the
/// parse and compile happen here once per version, and requests only read the swapped-in reference.
/// </summary>
public sealed class RulesActivator
{
    /// <summary>
    /// How long after a version goes live a retry of a push answered by the version before may still
    /// arrive: WeChat tries a push three times, about five seconds apart; with margin.
    /// </summary>
    public static readonly TimeSpan RetryHorizon = TimeSpan.FromSeconds(20);

    private readonly IRuleStore _store;
    private readonly LiveRuleSets _live;
    private readonly RulePublisher _publisher;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    // The live YAML, kept to re-seed an emptied store; packed, a tenth of its UTF-8 size.
    private readonly ConcurrentDictionary<string, byte[]> _liveYaml = new(StringComparer.Ordinal);

    public RulesActivator(IRuleStore store, LiveRuleSets live, RulePublisher publisher, ILoggerFactory logs, TimeProvider time)
    {
        _time = time;
        _store = store;
        _live = live;
        _publisher = publisher;
        _logger = logs.CreateLogger(LogCategories.RulesActivator);
        _store.Changed += account => _ = ActivateInBackgroundAsync(account);
    }

    /// <summary>Compiles and installs the store's current version when it differs from the live one.</summary>
    public async Task ActivateAsync(string account, CancellationToken cancellationToken = default)
    {
        // Cheap check first: catch-up polling calls this every few seconds for every account.
        var stamp = await _store.GetCurrentStampAsync(account, cancellationToken);
        if (IsLive(account, stamp))
        {
            return;
        }

        // One compile at a time: a burst of notifications must not compile the same version N times.
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            // Again: the store may have moved on while this waited for the compile before it.
            var current = await _store.GetCurrentStampAsync(account, cancellationToken);
            var committed = current.Version == 0 ? null : _publisher.TakeCommitted(account, current);
            var snapshot = committed?.Snapshot ?? await _store.GetCurrentAsync(account, cancellationToken);
            if (snapshot is null)
            {
                await ReseedAsync(account, cancellationToken);
                return;
            }

            if (IsLive(account, new RuleStamp(snapshot.Version, snapshot.ContentHash)))
            {
                return;
            }

            // Published from this process: compile what the publisher already validated.
            var definition = committed?.Definition
                ?? RulesFile.Parse(snapshot.Yaml).Definition
                ?? throw new InvalidOperationException($"version {snapshot.Version} does not parse");
            var compiled = new CompiledRuleSet(definition, snapshot.Version, snapshot.ContentHash);
            // Settled from when it was published (a fresh instance starting on an old version is settled at
            // once) or, should the publisher's clock run ahead, from when it arrived here.
            var now = _time.GetUtcNow();
            _live.Install(account, compiled, (snapshot.PublishedAt < now ? snapshot.PublishedAt : now) + RetryHorizon, now);
            _liveYaml[account] = PackedText.Pack(snapshot.Yaml);
            Log.RulesLive(_logger, account, snapshot.Version, definition.Rules.Count, compiled.KeywordCount);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private bool IsLive(string account, RuleStamp stamp)
    {
        var live = _live.Get(account);
        // An empty store while rules are live means the store lost its data: go on to reseed it.
        return stamp.Version == 0 ? !_liveYaml.ContainsKey(account) : live.Version == stamp.Version && live.ContentHash == stamp.ContentHash;
    }

    /// <summary>
    /// The store is empty although this instance has live rules (a Redis restarted without persistence):
    /// put them back as version 1, so a restart of Redis never leaves the deployment without rules.
    /// </summary>
    private async Task ReseedAsync(string account, CancellationToken cancellationToken)
    {
        if (_liveYaml.TryGetValue(account, out var yaml)
            && await _publisher.PublishInitialAsync(account, PackedText.Unpack(yaml), "reseed", "store was empty; republished the live rules", cancellationToken, resolveMedia: false) is { } snapshot)
        {
            Log.RulesReseeded(_logger, account, snapshot.Version);
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
