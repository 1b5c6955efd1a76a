using System.Collections.Concurrent;
using BrandBot.Rules.Matching;

namespace BrandBot.Rules.Store;

/// <summary>
/// The compiled rule set each account answers with right now, swapped atomically on publish. The
/// version it replaced is kept beside it, so a retry of a push answered just before a publish can
/// be answered from the version that answered it first.
/// </summary>
public sealed class LiveRuleSets
{
    private readonly ConcurrentDictionary<string, Live> _live = new(StringComparer.Ordinal);

    /// <summary>The account's current set, or <see cref="CompiledRuleSet.Empty"/> before any is loaded.</summary>
    public CompiledRuleSet Get(string account) => _live.TryGetValue(account, out var live) ? live.Current : CompiledRuleSet.Empty;

    /// <summary>The current or the previous set when it has <paramref name="version"/>; null otherwise.</summary>
    public CompiledRuleSet? Find(string account, long version) =>
        !_live.TryGetValue(account, out var live) ? null
        : live.Current.Version == version ? live.Current
        : live.Previous?.Version == version ? live.Previous
        : null;

    /// <summary>
    /// The account's current set, and whether it has been live long enough that no retry of a push answered
    /// by an earlier version can still arrive (see <see cref="Install"/>): until then, answers consult the
    /// push's record first. One lookup: this is on every push.
    /// </summary>
    public CompiledRuleSet Get(string account, DateTimeOffset now, out bool settled)
    {
        if (!_live.TryGetValue(account, out var live))
        {
            settled = true;
            return CompiledRuleSet.Empty;
        }

        settled = now >= live.SettledAt;
        return live.Current;
    }

    /// <summary>
    /// Whether a push created at <paramref name="pushCreateTime"/> (WeChat's CreateTime, Unix seconds) may have
    /// had an attempt answered by the version before the current one — here before it was replaced, or on an
    /// instance that learned of the publish a little later. Its CreateTime is the same on every attempt and
    /// never after the first attempt arrived; <paramref name="slack"/> covers the other instances' lag and the
    /// clocks' disagreement.
    /// </summary>
    public bool MayPredateCurrent(string account, long pushCreateTime, TimeSpan slack) =>
        _live.TryGetValue(account, out var live)
        && live.Previous is not null
        && pushCreateTime <= (live.ReplacedAt + slack).ToUnixTimeSeconds();

    /// <summary>
    /// Installs <paramref name="set"/> whatever is live: the store is the source of truth, even when its
    /// numbering restarted. Callers serialise installs (RulesActivator compiles one version at a time).
    /// </summary>
    /// <param name="settledAt">
    /// When retries of pushes answered by the version before can no longer arrive. Only a replacement
    /// waits for it: a process's first version has no earlier one here to answer a retry from.
    /// </param>
    /// <param name="replacedAt">When it replaced the version before here (see <see cref="MayPredateCurrent"/>).</param>
    public void Install(string account, CompiledRuleSet set, DateTimeOffset settledAt = default, DateTimeOffset replacedAt = default) =>
        _live.AddOrUpdate(
            account,
            _ => new Live(set, null, default, default),
            (_, live) => new Live(set, live.Current, settledAt, replacedAt));

    private sealed record Live(CompiledRuleSet Current, CompiledRuleSet? Previous, DateTimeOffset SettledAt, DateTimeOffset ReplacedAt);
}
