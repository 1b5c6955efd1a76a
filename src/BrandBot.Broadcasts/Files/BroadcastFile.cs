namespace BrandBot.Broadcasts.Files;

/// <summary>
/// One broadcast as its file declares it (docs/broadcasts.md): which followers, what, when. Paths are
/// already resolved against the file's folder.
/// </summary>
public sealed record BroadcastFile(
    string Id,
    DateTimeOffset? At,
    Audience Audience,
    BroadcastContent Content,
    IReadOnlyList<string> Preview,
    int? PerFollowerPer30Days,
    bool SendIgnoreReprint);

/// <summary>Exactly one of: everyone, a tag, the followers a QR scene brought (its tag), or named OpenIDs.</summary>
public sealed record Audience(AudienceKind Kind, string? Tag = null, string? Scene = null, IReadOnlyList<string>? OpenIds = null)
{
    /// <summary>Whether BrandBot picks the exact recipients itself (only an OpenID list; WeChat resolves tags).</summary>
    public bool IsNamed => Kind == AudienceKind.OpenIds;

    public override string ToString() => Kind switch
    {
        AudienceKind.All => "all followers",
        AudienceKind.Tag => $"tag '{Tag}'",
        AudienceKind.Scene => $"scene '{Scene}'",
        _ => $"{OpenIds!.Count} OpenIDs",
    };
}

public enum AudienceKind
{
    All,
    Tag,
    Scene,
    OpenIds,
}

/// <summary>Exactly one of text, image or articles.</summary>
public abstract record BroadcastContent;

public sealed record TextContent(string Text) : BroadcastContent;

public sealed record ImageContent(string File) : BroadcastContent;

public sealed record ArticlesContent(IReadOnlyList<Article> Articles) : BroadcastContent;

/// <param name="Cover">A local image; uploaded as permanent material for the draft's thumb.</param>
/// <param name="Body">A local Markdown or HTML file; its local images go through uploadimg.</param>
public sealed record Article(string Title, string Cover, string Body, string? Digest, string? Author, string? SourceUrl);
