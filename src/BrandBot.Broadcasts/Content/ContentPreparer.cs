using BrandBot.Account.Media;
using BrandBot.Broadcasts.Files;
using BrandBot.WeChatApi;

namespace BrandBot.Broadcasts.Content;

/// <summary>The message ready for the mass calls: its type, its JSON object, and a line for people.</summary>
public sealed record PreparedContent(string MsgType, string ContentJson, string ContentHash, string Summary);

/// <summary>A file the content needs on WeChat's side, and whether BrandBot uploaded those bytes before.</summary>
public sealed record Upload(string Kind, string Path, string Hash, bool Known)
{
    public override string ToString() => $"{Kind} {System.IO.Path.GetFileName(Path)} (sha256 {Hash[..12]}){(Known ? ", uploaded before" : "")}";
}

/// <summary>
/// Turns a file's content into what WeChat sends
/// (docs/broadcasts.md#decisions-where-wechat-or-the-issue-is-silent): an image becomes permanent material;
/// articles get their covers as permanent material, their bodies' images through uploadimg, and one draft
/// per broadcast. Each file is uploaded once per content hash by the <see cref="MediaUploader"/> the rules
/// share (docs/account-as-code.md#media-files); the draft once per broadcast and content.
/// </summary>
public sealed class ContentPreparer(IMediaRecords store, MediaUploader uploader)
{
    /// <summary>The uploads the content needs (for plan), each marked when already done.</summary>
    public async Task<IReadOnlyList<Upload>> UploadsAsync(string account, BroadcastContent content, CancellationToken cancellationToken)
    {
        var needed = new List<(string Kind, string Path)>();
        switch (content)
        {
            case ImageContent image:
                needed.Add(("image", image.File));
                break;
            case ArticlesContent articles:
                foreach (var article in articles.Articles)
                {
                    needed.Add(("cover", article.Cover));
                    needed.AddRange(ArticleBody.ImageSources(article.Body).Where(s => !ArticleBody.IsRemote(s)).Select(s => ("uploadimg", ArticleBody.Resolve(article.Body, s))));
                }

                break;
        }

        var uploads = new List<Upload>();
        foreach (var (kind, path) in needed.Distinct())
        {
            var hash = ContentHash.OfFile(path);
            uploads.Add(new Upload(kind, path, hash, await uploader.KnownAsync(account, KindOf(kind), hash, cancellationToken) is not null));
        }

        return uploads;
    }

    public async Task<PreparedContent> PrepareAsync(BroadcastApi api, string broadcastId, BroadcastContent content, TextWriter? progress, CancellationToken cancellationToken)
    {
        var hash = ContentHash.Of(content);
        switch (content)
        {
            case TextContent text:
                return new("text", Json(new RawJsonWriter().BeginObject().String("content", text.Text).EndObject()), hash, Shorten(text.Text));
            case ImageContent image:
                var mediaId = await MaterialAsync(api, "image", image.File, progress, cancellationToken);
                return new("image", Json(new RawJsonWriter().BeginObject().BeginArray("media_ids").String(null, mediaId).EndArray().String("recommend", "").Number("need_open_comment", 0).Number("only_fans_can_comment", 0).EndObject()), hash, "image " + Path.GetFileName(image.File));
            default:
                var articles = (ArticlesContent)content;
                var draftKey = $"draft:{broadcastId}:{hash}";
                var draft = await store.GetMediaAsync(api.Account, draftKey, cancellationToken);
                if (draft is null)
                {
                    draft = await DraftAsync(api, articles, progress, cancellationToken);
                    await store.SetMediaAsync(api.Account, draftKey, draft, cancellationToken);
                }

                return new("mpnews", Json(new RawJsonWriter().BeginObject().String("media_id", draft).EndObject()), hash, articles.Articles[0].Title);
        }
    }

    private async Task<string> DraftAsync(BroadcastApi api, ArticlesContent content, TextWriter? progress, CancellationToken cancellationToken)
    {
        var body = new RawJsonWriter().BeginObject().BeginArray("articles");
        foreach (var article in content.Articles)
        {
            var thumb = await MaterialAsync(api, "cover", article.Cover, progress, cancellationToken);
            var urls = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var src in ArticleBody.ImageSources(article.Body).Where(s => !ArticleBody.IsRemote(s)))
            {
                urls[src] = await MaterialAsync(api, "uploadimg", ArticleBody.Resolve(article.Body, src), progress, cancellationToken);
            }

            var html = ArticleBody.Rewrite(ArticleBody.Html(article.Body), src => urls.GetValueOrDefault(src, src));
            body.BeginObject().String("article_type", "news").String("title", article.Title).String("author", article.Author).String("digest", article.Digest)
                .String("content", html).String("content_source_url", article.SourceUrl).String("thumb_media_id", thumb)
                .Number("need_open_comment", 0).Number("only_fans_can_comment", 0).EndObject();
        }

        var answer = await api.CallOkAsync("cgi-bin/draft/add", body.EndArray().EndObject().ToUtf8(), cancellationToken);
        progress?.WriteLine($"  draft created ({content.Articles.Count} articles)");
        return answer.String("media_id") ?? throw new InvalidOperationException("draft/add answered without a media_id");
    }

    /// <summary>The file's media id (or, for uploadimg, its URL), uploading it only when these bytes never were.</summary>
    private async Task<string> MaterialAsync(BroadcastApi api, string kind, string path, TextWriter? progress, CancellationToken cancellationToken)
    {
        var (id, uploaded) = await uploader.UploadOnceAsync(api, KindOf(kind), path, cancellationToken);
        if (uploaded)
        {
            progress?.WriteLine($"  uploaded {kind} {Path.GetFileName(path)}");
        }

        return id;
    }

    /// <summary>Covers and images are both permanent image material, so one upload serves both.</summary>
    private static MediaKind KindOf(string kind) => kind == "uploadimg" ? MediaKind.ArticleImage : MediaKind.Image;

    private static string Json(RawJsonWriter writer) => System.Text.Encoding.UTF8.GetString(writer.ToUtf8());

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
