namespace BrandBot.Rules.Matching;

/// <summary>Why a push got the answer it got; the kind and rule name are what operators search logs for.</summary>
public enum MatchKind
{
    /// <summary>Nothing applies: answer <c>success</c>.</summary>
    None,
    Keyword,
    Menu,
    Follow,
    Scene,
    Default,
}

/// <summary>The routing decision for one push.</summary>
public sealed record RouteResult(MatchKind Kind, string? RuleName, CompiledReplyGroup? Replies)
{
    public static RouteResult Nothing { get; } = new(MatchKind.None, null, null);

    /// <summary>The follower tag this push gives (a rule's or a scene's <c>tag:</c>), applied once, off the request path.</summary>
    public string? Tag { get; init; }

    /// <summary>The flow this push starts (a rule's, a menu key's or a scene's <c>flow:</c>), instead of replies.</summary>
    public string? Flow { get; init; }

    /// <summary>The rule may fire while the follower is in a flow (<c>escape: true</c>).</summary>
    public bool Escape { get; init; }

    /// <summary>True when the answer is a reply of ours (not <c>success</c>).</summary>
    public bool HasReply => Replies is { Replies.Count: > 0 };
}
