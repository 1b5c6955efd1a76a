using System.Text;
using BrandBot.Broadcasts.Files;

namespace BrandBot.Broadcasts.Content;

/// <summary>
/// Hashes of what a broadcast says and of how it is declared. The content hash covers the text, or the
/// bytes of every file (cover, body, the body's images) and every article field, so any change to what
/// followers would see changes the clientmsgid (docs/broadcasts.md#exactly-once).
/// </summary>
public static class ContentHash
{
    public static string Of(BroadcastContent content)
    {
        var text = new StringBuilder();
        switch (content)
        {
            case TextContent t:
                text.Append("text\n").Append(t.Text);
                break;
            case ImageContent i:
                text.Append("image\n").Append(OfFile(i.File));
                break;
            case ArticlesContent a:
                text.Append("mpnews");
                foreach (var article in a.Articles)
                {
                    text.Append('\n').Append(article.Title).Append('\0').Append(article.Author).Append('\0').Append(article.Digest).Append('\0').Append(article.SourceUrl)
                        .Append('\0').Append(OfFile(article.Cover)).Append('\0').Append(OfFile(article.Body));
                    foreach (var src in ArticleBody.ImageSources(article.Body).Where(s => !ArticleBody.IsRemote(s)))
                    {
                        text.Append('\0').Append(OfFile(ArticleBody.Resolve(article.Body, src)));
                    }
                }

                break;
        }

        return Hex(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Content plus audience, time and caps: what "the same broadcast" means for a re-run.</summary>
    public static string OfDefinition(BroadcastFile file)
    {
        var audience = file.Audience.Kind + "\n" + file.Audience.Tag + file.Audience.Scene + "\n" + string.Join(",", file.Audience.OpenIds ?? []);
        return Hex(Encoding.UTF8.GetBytes($"{Of(file.Content)}\n{audience}\n{file.At?.ToUnixTimeSeconds()}\n{file.PerFollowerPer30Days}\n{file.SendIgnoreReprint}"));
    }

    /// <summary>A file's hash exactly as the media records key it, so plan's "known" is apply's "no upload".</summary>
    public static string OfFile(string path) => Hex(File.ReadAllBytes(path));

    public static string Hex(byte[] bytes) => BrandBot.Account.Media.MediaUploader.HashOf(bytes);
}
