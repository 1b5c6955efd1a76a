using System.Text.RegularExpressions;
using Markdig;

namespace BrandBot.Broadcasts.Files;

/// <summary>
/// An article's body as WeChat wants it: HTML (Markdown converted by Markdig, a maintained CommonMark
/// implementation), with every local image replaced by the URL uploadimg gave it; links are kept.
/// </summary>
public static partial class ArticleBody
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().UseEmphasisExtras().Build();

    /// <summary>The body as HTML, before its images are uploaded.</summary>
    public static string Html(string path)
    {
        var text = File.ReadAllText(path);
        return Path.GetExtension(path).ToLowerInvariant() is ".md" or ".markdown" ? Markdown.ToHtml(text, Pipeline) : text;
    }

    /// <summary>Every <c>img src</c> of the body, in order, as written.</summary>
    public static IReadOnlyList<string> ImageSources(string path) =>
        [.. ImageSource().Matches(Html(path)).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups["src"].Value)).Distinct(StringComparer.Ordinal)];

    /// <summary>The HTML with each image source replaced through <paramref name="urlOf"/>.</summary>
    public static string Rewrite(string html, Func<string, string> urlOf) =>
        ImageSource().Replace(html, m =>
        {
            var src = System.Net.WebUtility.HtmlDecode(m.Groups["src"].Value);
            var group = m.Groups["src"];
            return m.Value[..(group.Index - m.Index)] + System.Net.WebUtility.HtmlEncode(urlOf(src)) + m.Value[(group.Index - m.Index + group.Length)..];
        });

    public static bool IsRemote(string src) => src.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || src.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || src.StartsWith("//", StringComparison.Ordinal);

    /// <summary>Images already on WeChat's image host survive in an article; others are stripped.</summary>
    public static bool IsWeChatHosted(string src) => Uri.TryCreate(src.StartsWith("//", StringComparison.Ordinal) ? "https:" + src : src, UriKind.Absolute, out var url)
        && (url.Host.Equals("mmbiz.qpic.cn", StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith(".qpic.cn", StringComparison.OrdinalIgnoreCase));

    /// <summary>A local image path resolved against the body's folder.</summary>
    public static string Resolve(string bodyPath, string src) =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(bodyPath)!, Uri.UnescapeDataString(src.Split('?', '#')[0])));

    [GeneratedRegex("""<img\b[^>]*?\bsrc\s*=\s*["'](?<src>[^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex ImageSource();
}
