using System.Collections.Concurrent;
using BrandBot.Rules.Matching;

namespace BrandBot.Rules.Store;

/// <summary>
/// The compiled rule set each account answers with right now, swapped atomically on publish. The
/// version it replaced is kept beside it, and older ones for as long as a retry of a push they
/// answered can still arrive, so a retry is answered from the version that answered it first.
/// </summary>
public sealed class LiveRuleSets
{
    /// <summary>
    /// At most this many versions older than the previous one are kept (each is a whole compiled set:
    /// ~50 MB with 100,000 rules). Only publishes closer together than WeChat's retries need them.
    /// </summary>
    public const int MaxOlderKept = 4;

    private readonly ConcurrentDictionary<string, Live> _live = new(StringComparer.Ordinal);

    /// <summary>The account's current set, or <see cref="CompiledRuleSet.Empty"/> before any is loaded.</summary>
    public CompiledRuleSet Get(string account) => _live.TryGetValue(account, out var live) ? live.Current : CompiledRuleSet.Empty;

    /// <summary>The current set or a kept earlier one when it has <paramref name="version"/>; null otherwise.</summary>
    public CompiledRuleSet? Find(string account, long version) =>
        !_live.TryGetValue(account, out var live) ? null
        : live.Current.Version == version ? live.Current
        : Array.Find(live.Earlier, set => set.Version == version);

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
        if (settled && live.Earlier.Length > 1)
        {
            // Settled: no retry can need anything before the previous version any more. Losing this race
            // to an install is fine; the install decides for itself.
            _live.TryUpdate(account, live with { Earlier = live.Earlier[..1] }, live);
        }

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
        && live.Earlier.Length > 0
        && pushCreateTime <= (live.ReplacedAt + slack).ToUnixTimeSeconds();

    /// <summary>
    /// Installs <paramref name="set"/> whatever is live: the store is the source of truth, even when its
    /// numbering restarted. Callers serialise installs (RulesActivator compiles one version at a time).
    /// </summary>
    /// <param name="settledAt">
    /// When retries of pushes answered by the version before can no longer arrive. Only a replacement
    /// waits for it: a process's first version has no earlier one here to answer a retry from.
    /// </param>
    /// <param name="replacedAt">
    /// When it replaced the version before here (see <see cref="MayPredateCurrent"/>). Versions older than
    /// the one replaced are kept only if the one replaced had not settled by then.
    /// </param>
    public void Install(string account, CompiledRuleSet set, DateTimeOffset settledAt = default, DateTimeOffset replacedAt = default) =>
        _live.AddOrUpdate(
            account,
            _ => new Live(set, [], default, default),
            (_, live) => new Live(set, Earlier(live, replacedAt), settledAt, replacedAt));

    /// <summary>
    /// The earlier sets the new state keeps, newest first: the one replaced always, and the replaced
    /// state's own earlier sets only if it had not settled by then (at most <see cref="MaxOlderKept"/> of them).
    /// </summary>
    private static CompiledRuleSet[] Earlier(Live replaced, DateTimeOffset replacedAt) =>
        replacedAt >= replaced.SettledAt
            ? [replaced.Current]
            : [replaced.Current, .. replaced.Earlier.Take(MaxOlderKept)];

    /// <param name="Earlier">The sets before <paramref name="Current"/> a retry may still need, newest first: the previous one, then older.</param>
    private sealed record Live(CompiledRuleSet Current, CompiledRuleSet[] Earlier, DateTimeOffset SettledAt, DateTimeOffset ReplacedAt);
}
