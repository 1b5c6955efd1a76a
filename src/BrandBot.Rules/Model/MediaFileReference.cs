namespace BrandBot.Rules.Model;

/// <summary>
/// A local file the rules file names where WeChat needs a media id or a picture URL
/// (docs/rules-file.md#local-files): its kind (image, voice, video, thumb, or uploadimg for a news picture),
/// the path as written, the line of the path and of its reply, and the id publish filled in from what
/// <c>account apply</c> uploaded — null until then.
/// </summary>
public sealed record MediaFileReference(string Kind, string File, int Line, int ReplyLine, string? Resolved);

/// <summary>One entry of the <c>media:</c> section publish writes: which bytes (sha256) of a file became which id.</summary>
public sealed record ResolvedMedia(string Kind, string File, string Sha256, string Id, int Line);
