using System.Text.RegularExpressions;
using BrandBot.Protocol.Inbound;
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
    private readonly RuleDefinition[] _ranked;
    private readonly CompiledReplyGroup[] _groups;
    private readonly Dictionary<string, int> _equal = new(StringComparer.Ordinal);
    private readonly AhoCorasick _contain;
    private readonly (Regex Regex, int Rank)[] _regexes;
    private readonly Regex? _anyRegex;
    private readonly Dictionary<string, int> _menu = new(StringComparer.Ordinal);
    private readonly CompiledReplyGroup? _follow;
    private readonly Dictionary<string, CompiledReplyGroup> _scenes;
    private readonly CompiledReplyGroup? _default;

    public CompiledRuleSet(RuleSetDefinition definition, long version = 0, string contentHash = "")
    {
        Version = version;
        ContentHash = contentHash;
        Definition = definition;
        _ranked = RuleRanking.Rank(definition.Rules);
        _groups = [.. _ranked.Select(r => new CompiledReplyGroup(r.Replies))];

        var contains = new List<(string, int)>();
        var regexes = new List<(Regex, int)>();
        for (var rank = 0; rank < _ranked.Length; rank++)
        {
            foreach (var keyword in _ranked[rank].Keywords)
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

            foreach (var key in _ranked[rank].MenuKeys)
            {
                _menu.TryAdd(key, rank);
            }
        }

        _contain = AhoCorasick.Build(contains);
        _regexes = [.. regexes];
        _anyRegex = RegexFactory.CombineOrNull(_regexes.Select(r => r.Regex));
        _follow = definition.Follow?.Replies is { } follow ? new CompiledReplyGroup(follow) : null;
        _scenes = (definition.Follow?.Scenes ?? new Dictionary<string, ReplyGroupDefinition>())
            .ToDictionary(s => s.Key, s => new CompiledReplyGroup(s.Value), StringComparer.Ordinal);
        _default = definition.Default is { } fallback ? new CompiledReplyGroup(fallback) : null;
    }

    /// <summary>An empty rule set: every push is answered with <c>success</c>.</summary>
    public static CompiledRuleSet Empty { get; } = new(new RuleSetDefinition(null, null, []));

    public long Version { get; }

    /// <summary>Hash of the YAML this set was compiled from (see RuleStamp).</summary>
    public string ContentHash { get; }

    public RuleSetDefinition Definition { get; }

    public int KeywordCount => _equal.Count + _contain.PatternCount + _regexes.Length;

    /// <summary>Routes a push to its replies (README "Semantics to keep").</summary>
    public RouteResult Route(InboundMessage message) => message switch
    {
        TextMessage text => MatchOrDefault(text.Content),
        // Voice with speech recognition matches like text.
        VoiceMessage { Recognition: { Length: > 0 } recognition } => MatchOrDefault(recognition),
        UserMessage => Default(),
        SubscribeEvent follow => FollowReply(follow.Scene),
        ScanEvent scan => _scenes.TryGetValue(scan.Scene, out var group) ? new RouteResult(MatchKind.Scene, scan.Scene, group) : RouteResult.Nothing,
        ClickEvent click => _menu.TryGetValue(click.Key, out var rank) ? Rule(MatchKind.Menu, rank) : RouteResult.Nothing,
        _ => RouteResult.Nothing,
    };

    /// <summary>The rule a follower's text would fire, or the default reply, or nothing.</summary>
    public RouteResult MatchOrDefault(string text) => MatchText(text) is { } rank ? Rule(MatchKind.Keyword, rank) : Default();

    /// <summary>The best-ranked rule whose keywords match <paramref name="text"/>.</summary>
    public int? MatchText(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
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

    private RouteResult Rule(MatchKind kind, int rank) => new(kind, _ranked[rank].Name, _groups[rank]);

    private RouteResult Default() => _default is null ? RouteResult.Nothing : new RouteResult(MatchKind.Default, null, _default);

    private RouteResult FollowReply(string? scene)
    {
        if (scene is not null && _scenes.TryGetValue(scene, out var group))
        {
            return new RouteResult(MatchKind.Scene, scene, group);
        }

        // A follow through an unknown scene still gets the ordinary follow reply.
        return _follow is null ? RouteResult.Nothing : new RouteResult(MatchKind.Follow, null, _follow);
    }
}
