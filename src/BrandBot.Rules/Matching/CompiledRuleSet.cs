using System.Text.RegularExpressions;
using BrandBot.Protocol.Inbound;
using BrandBot.Rules.Flows;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Matching;

/// <summary>
/// An immutable, ready-to-answer form of one rule set, built once when rules are published.
/// Rules are ranked (priority descending, then file order) and every lookup asks "which matching rule
/// has the best rank": equal keywords by dictionary, contain keywords by one Aho-Corasick pass, and
/// regexes only while they could still beat the best rank found.
/// </summary>
public sealed class CompiledRuleSet
{
    private readonly Dictionary<string, int> _equal;
    private readonly AhoCorasick _contain;
    private readonly (Regex Regex, int Rank)[] _regexes;
    private readonly Regex? _anyRegex;
    // A menu key's answer, built only for rules that have menu keys: one result per rule for every
    // rule would be ~6 MB of results no click can reach with 100,000 keyword rules (docs/performance.md).
    private readonly Dictionary<string, RouteResult> _menu = new(StringComparer.Ordinal);
    // Every possible answer is built once here, so routing a push allocates nothing.
    private readonly RouteResult[] _keywordResults;
    private readonly Dictionary<string, RouteResult> _sceneResults;
    private readonly RouteResult _followResult;
    private readonly Dictionary<string, RouteResult> _sceneFollowOnly = new(StringComparer.Ordinal);
    private readonly RouteResult _defaultResult;

    public CompiledRuleSet(RuleSetDefinition definition, long version = 0, string contentHash = "")
    {
        Version = version;
        ContentHash = contentHash;
        // The definition is not kept: the set holds only what answering needs (100,000 rules: tens of MB less).
        var ranked = RuleRanking.Rank(definition.Rules);
        // Sized once: growing it to 100,000 keywords left ~4 MB of outgrown tables behind at start-up's peak.
        _equal = new(ranked.Sum(r => r.Keywords.Count(k => k.Kind == KeywordKind.Equal)), StringComparer.Ordinal);
        var groups = ranked.Select(r => new CompiledReplyGroup(r.Replies)).ToArray();
        _keywordResults = [.. ranked.Select((r, rank) => new RouteResult(MatchKind.Keyword, r.Name, groups[rank]) { Tag = r.Tag, Flow = r.Flow, Escape = r.Escape })];

        var contains = new List<(string, int)>();
        var regexes = new List<(Regex, int)>();
        for (var rank = 0; rank < ranked.Length; rank++)
        {
            foreach (var keyword in ranked[rank].Keywords)
            {
                switch (keyword.Kind)
                {
                    case KeywordKind.Equal:
                        _equal.TryAdd(TextNormalizer.Normalize(keyword.Value), rank);
                        break;
                    case KeywordKind.Contain:
                        contains.Add((TextNormalizer.Normalize(keyword.Value), rank));
                        break;
                    case KeywordKind.Regex:
                        regexes.Add((RegexFactory.Create(keyword.Value), rank));
                        break;
                }
            }

            RouteResult? menuResult = null;
            foreach (var key in ranked[rank].MenuKeys)
            {
                var rule = ranked[rank];
                menuResult ??= new RouteResult(MatchKind.Menu, rule.Name, groups[rank]) { Tag = rule.Tag, Flow = rule.Flow, Escape = rule.Escape };
                _menu.TryAdd(key, menuResult);
            }
        }

        _contain = AhoCorasick.Build(contains);
        _regexes = [.. regexes];
        _anyRegex = RegexFactory.CombineOrNull(_regexes.Select(r => r.Regex));
        _followResult = definition.Follow?.Replies is { } follow ? new RouteResult(MatchKind.Follow, null, new CompiledReplyGroup(follow)) : RouteResult.Nothing;
        var channels = definition.Follow?.Channels ?? new Dictionary<string, ChannelDefinition>();
        string? TagOf(string scene) => channels.GetValueOrDefault(scene)?.Tag;
        _sceneResults = (definition.Follow?.Scenes ?? new Dictionary<string, ReplyGroupDefinition>())
            .ToDictionary(s => s.Key, s => new RouteResult(MatchKind.Scene, s.Key, new CompiledReplyGroup(s.Value)) { Tag = TagOf(s.Key) }, StringComparer.Ordinal);
        // A scene that starts a flow: its follow and its scan both start it (the flow's prompt answers).
        foreach (var (scene, (flow, _)) in definition.Follow?.SceneFlows ?? new Dictionary<string, (string, int)>())
        {
            _sceneResults[scene] = new RouteResult(MatchKind.Scene, scene, null) { Tag = TagOf(scene), Flow = flow };
        }

        // A tagged scene without replies of its own: a follow through it gets the follow reply, a scan nothing — both the tag.
        foreach (var channel in channels.Values.Where(c => c.Tag is not null && !_sceneResults.ContainsKey(c.Scene)).ToList())
        {
            _sceneFollowOnly[channel.Scene] = _followResult with { Tag = channel.Tag };
            _sceneResults[channel.Scene] = new RouteResult(MatchKind.Scene, channel.Scene, null) { Tag = channel.Tag };
        }

        Flows = definition.Flows.Count == 0 ? CompiledFlows.None : new CompiledFlows(definition);
        _defaultResult = definition.Default is { } fallback ? new RouteResult(MatchKind.Default, null, new CompiledReplyGroup(fallback)) : RouteResult.Nothing;
    }

    /// <summary>The account's flows, compiled with the rules (none: <see cref="CompiledFlows.None"/>).</summary>
    public CompiledFlows Flows { get; }

    /// <summary>An empty rule set: every push is answered with <c>success</c>.</summary>
    public static CompiledRuleSet Empty { get; } = new(new RuleSetDefinition(null, null, []));

    public long Version { get; }

    /// <summary>The default reply's route (<see cref="RouteResult.Nothing"/> without one); also the fallback of failing backends.</summary>
    public RouteResult Default => _defaultResult;

    /// <summary>Hash of the YAML this set was compiled from (see RuleStamp).</summary>
    public string ContentHash { get; }

    public int KeywordCount => _equal.Count + _contain.PatternCount + _regexes.Length;

    /// <summary>Routes a push to its replies (docs/rules-file.md, "How it answers").</summary>
    public RouteResult Route(InboundMessage message) => Route(message, NormalizedTextOf(message));

    /// <summary>
    /// Routes a push whose text the caller has already normalised with <see cref="NormalizedTextOf"/>,
    /// so the request path normalises once for matching and statistics alike.
    /// </summary>
    public RouteResult Route(InboundMessage message, string? normalizedText) => message switch
    {
        _ when normalizedText is not null => MatchNormalized(normalizedText) is { } rank ? _keywordResults[rank] : _defaultResult,
        UserMessage => _defaultResult,
        SubscribeEvent follow => follow.Scene is { } scene && _sceneResults.TryGetValue(scene, out var sceneFollow)
            ? _sceneFollowOnly.GetValueOrDefault(scene, sceneFollow)
            // A follow through an unknown scene still gets the ordinary follow reply.
            : _followResult,
        ScanEvent scan => _sceneResults.GetValueOrDefault(scan.Scene, RouteResult.Nothing),
        ClickEvent click => _menu.GetValueOrDefault(click.Key, RouteResult.Nothing),
        _ => RouteResult.Nothing,
    };

    /// <summary>
    /// The normalised text a push is matched on: a text message's content, or a voice message's speech
    /// recognition (which matches like text); null for anything else.
    /// </summary>
    public static string? NormalizedTextOf(InboundMessage message) => message switch
    {
        TextMessage text => TextNormalizer.Normalize(text.Content),
        VoiceMessage { Recognition: { Length: > 0 } recognition } => TextNormalizer.Normalize(recognition),
        _ => null,
    };

    /// <summary>The rule a follower's text would fire, or the default reply, or nothing.</summary>
    public RouteResult MatchOrDefault(string text) => MatchText(text) is { } rank ? _keywordResults[rank] : _defaultResult;

    /// <summary>The best-ranked rule whose keywords match <paramref name="text"/>.</summary>
    public int? MatchText(string text) => MatchNormalized(TextNormalizer.Normalize(text));

    private int? MatchNormalized(string normalized)
    {
        if (normalized.Length == 0)
        {
            return null;
        }

        var best = int.MaxValue;
        if (_equal.TryGetValue(normalized, out var equalRank))
        {
            best = equalRank;
        }

        if (_contain.BestMatch(normalized) is { } containRank && containRank < best)
        {
            best = containRank;
        }

        // Most messages match no regex: one pass of the combined pattern says so, whatever their number.
        if (_regexes.Length == 0 || _regexes[0].Rank >= best || (_anyRegex is not null && !SafeIsMatch(_anyRegex, normalized)))
        {
            return best == int.MaxValue ? null : best;
        }

        // Regexes are in rank order: stop as soon as none left could beat what we have.
        foreach (var (regex, rank) in _regexes)
        {
            if (rank >= best)
            {
                break;
            }

            if (SafeIsMatch(regex, normalized))
            {
                best = rank;
                break;
            }
        }

        return best == int.MaxValue ? null : best;
    }

    private static bool SafeIsMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pattern that times out on this text simply does not match it.
            return false;
        }
    }
}
