namespace BrandBot.Account.Media;

/// <summary>
/// A kind of file WeChat keeps for the account, with the call that uploads it and WeChat's limits for it
/// (docs/account-as-code.md#media-files): permanent material through <c>material/add_material</c>
/// (image 10 MB bmp/png/jpeg/jpg/gif, voice 2 MB mp3/wma/wav/amr of at most 60 s, video 10 MB mp4,
/// thumb 64 KB jpg), or an image for an article through <c>media/uploadimg</c> (jpg/png, 1 MB), which
/// answers a URL instead of a media id.
/// </summary>
public sealed record MediaKind(string Name, string ApiPath, long MaxBytes, IReadOnlyList<string> Extensions, string AnswerField, string KeyPrefix)
{
    public static readonly MediaKind Image = new("image", "cgi-bin/material/add_material?type=image", 10L * 1024 * 1024, [".bmp", ".png", ".jpeg", ".jpg", ".gif"], "media_id", "material:");

    public static readonly MediaKind Voice = new("voice", "cgi-bin/material/add_material?type=voice", 2L * 1024 * 1024, [".mp3", ".wma", ".wav", ".amr"], "media_id", "material:voice:");

    public static readonly MediaKind Video = new("video", "cgi-bin/material/add_material?type=video", 10L * 1024 * 1024, [".mp4"], "media_id", "material:video:");

    public static readonly MediaKind Thumb = new("thumb", "cgi-bin/material/add_material?type=thumb", 64L * 1024, [".jpg", ".jpeg"], "media_id", "material:thumb:");

    /// <summary>An image inside an article (a broadcast's body, a news reply's picture): a URL on WeChat's image host.</summary>
    public static readonly MediaKind ArticleImage = new("uploadimg", "cgi-bin/media/uploadimg", 1024L * 1024, [".jpg", ".jpeg", ".png"], "url", "img:");

    /// <summary>The call's name as an operator reads it in apply's output: <c>material/add_material</c>, <c>media/uploadimg</c>.</summary>
    public string CallName => ApiPath.Split('?')[0]["cgi-bin/".Length..];

    /// <summary>Where the id of a file with this content hash is recorded. Covers and image replies share image material.</summary>
    public string RecordKey(string contentHash) => KeyPrefix + contentHash;

    /// <summary>What is wrong with a file of this name and size for this kind, or null when WeChat takes it.</summary>
    public string? Problem(string fileName, long size)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (!Extensions.Contains(extension))
        {
            return $"{Name} must be {string.Join("/", Extensions.Select(e => e.TrimStart('.')))}, not '{(extension.Length == 0 ? "(no extension)" : extension)}'";
        }

        return size > MaxBytes ? $"{Name} is {Size(size)}, over WeChat's {Size(MaxBytes)} for {Name}" : size == 0 ? "the file is empty" : null;
    }

    public static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / 1024.0 / 1024.0:0.##} MB" : bytes >= 1024 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes} bytes";
}
