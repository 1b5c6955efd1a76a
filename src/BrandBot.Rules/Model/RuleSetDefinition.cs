namespace BrandBot.Rules.Model;

/// <summary>One account's rules file, as written by the operator (docs/rules-file.md).</summary>
public sealed record RuleSetDefinition(
    FollowDefinition? Follow,
    ReplyGroupDefinition? Default,
    IReadOnlyList<RuleDefinition> Rules)
{
    /// <summary>The declared custom menu; null leaves the account's menu alone.</summary>
    public MenuDefinition? Menu { get; init; }

    /// <summary>Multi-step conversations by name (<c>flows:</c>).</summary>
    public IReadOnlyDictionary<string, FlowDefinition> Flows { get; init; } = new Dictionary<string, FlowDefinition>();

    public FlowDefaults FlowDefaults { get; init; } = FlowDefaults.Builtin;

    /// <summary>Every local file the replies name, in file order (docs/rules-file.md#local-files).</summary>
    public IReadOnlyList<MediaFileReference> MediaFiles { get; init; } = [];

    /// <summary>The <c>media:</c> section publish wrote: the ids the files had when published.</summary>
    public IReadOnlyList<ResolvedMedia> Media { get; init; } = [];

    /// <summary>Every tag the file names (scene and rule tags, conditional menus), each with its first line.</summary>
    public IReadOnlyDictionary<string, int> DeclaredTags()
    {
        var tags = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var channel in Follow?.Channels.Values ?? [])
        {
            if (channel.Tag is { } tag)
            {
                tags.TryAdd(tag, channel.TagLine);
            }
        }

        foreach (var rule in Rules)
        {
            if (rule.Tag is { } tag)
            {
                tags.TryAdd(tag, rule.TagLine);
            }
        }

        foreach (var menu in Menu?.ByTag ?? [])
        {
            tags.TryAdd(menu.Tag, menu.Line);
        }

        return tags;
    }
}

/// <summary>The follow reply, and per-QR-scene follow replies keyed by scene value.</summary>
public sealed record FollowDefinition(
    ReplyGroupDefinition? Replies,
    IReadOnlyDictionary<string, ReplyGroupDefinition> Scenes)
{
    /// <summary>Scenes whose follow or scan starts a flow (<c>follow.scenes.NAME.flow</c>).</summary>
    public IReadOnlyDictionary<string, (string Flow, int Line)> SceneFlows { get; init; } = new Dictionary<string, (string, int)>();

    /// <summary>Scenes with a QR code to mint or a tag to give, by scene name.</summary>
    public IReadOnlyDictionary<string, ChannelDefinition> Channels { get; init; } = new Dictionary<string, ChannelDefinition>();
}

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
    int Line)
{
    /// <summary>The follower tag a message firing this rule gives (<c>tag:</c>).</summary>
    public string? Tag { get; init; }

    /// <summary>The flow this rule starts instead of answering with replies (<c>flow:</c>).</summary>
    public string? Flow { get; init; }

    /// <summary>May fire while the follower is in a flow (<c>escape: true</c>); the flow's interrupts say what happens to it.</summary>
    public bool Escape { get; init; }

    public int TagLine { get; init; } = Line;
}

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
