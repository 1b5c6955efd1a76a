namespace BrandBot.Rules.Model;

/// <summary>One account's rules file, as written by the operator (README "Rules file format").</summary>
public sealed record RuleSetDefinition(
    FollowDefinition? Follow,
    ReplyGroupDefinition? Default,
    IReadOnlyList<RuleDefinition> Rules);

/// <summary>The follow reply, and per-QR-scene follow replies keyed by scene value.</summary>
public sealed record FollowDefinition(
    ReplyGroupDefinition? Replies,
    IReadOnlyDictionary<string, ReplyGroupDefinition> Scenes);

/// <summary>A list of replies and how to use them.</summary>
public sealed record ReplyGroupDefinition(ReplyMode Mode, IReadOnlyList<RuleReply> Replies, int Line)
{
    /// <summary>
    /// Fixed replies used instead when a backend (webhook) reply fails or its circuit is open;
    /// empty means the account's default reply.
    /// </summary>
    public IReadOnlyList<RuleReply> Fallback { get; init; } = [];
}

public sealed record RuleDefinition(
    string Name,
    int Priority,
    IReadOnlyList<KeywordDefinition> Keywords,
    IReadOnlyList<string> MenuKeys,
    ReplyGroupDefinition Replies,
    int Line);

public sealed record KeywordDefinition(KeywordKind Kind, string Value, int Line);

public enum KeywordKind
{
    Equal,
    Contain,
    Regex,
}

public enum ReplyMode
{
    /// <summary>The first reply answers passively; the rest follow through the customer-service API.</summary>
    ReplyAll,

    /// <summary>One reply, picked at random.</summary>
    RandomOne,
}
