using System.Globalization;
using System.Text.RegularExpressions;
using BrandBot.Rules.Loading;
using YamlDotNet.Core;

namespace BrandBot.Broadcasts.Files;

/// <summary>The outcome of reading a broadcast file: the broadcast, or every problem with its line.</summary>
public sealed record BroadcastFileResult(BroadcastFile? File, IReadOnlyList<RuleProblem> Problems)
{
    public bool HasErrors => File is null || Problems.Any(p => p.Severity == ProblemSeverity.Error);
}

/// <summary>
/// Reads and checks a broadcast file in one pass, reporting every mistake with its YAML line through the
/// rules file's own reader (<see cref="YamlTree"/>, <see cref="YamlReader"/>), so both files mean the same
/// by a null, a duplicate key or an unknown key (docs/broadcasts.md#the-file): a bad file is refused
/// before any call to WeChat.
/// </summary>
public static partial class BroadcastFileReader
{
    private static readonly string[] TopKeys = ["id", "at", "audience", "content", "preview", "caps", "sendIgnoreReprint"];

    public static BroadcastFileResult Read(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            return new(null, [new RuleProblem(1, ProblemSeverity.Error, "file not found")]);
        }

        return Parse(System.IO.File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <param name="folder">Where relative paths resolve: the file's own folder.</param>
    public static BroadcastFileResult Parse(string yaml, string folder)
    {
        YamlRoot root;
        try
        {
            root = YamlTree.ReadRoot(yaml);
        }
        catch (YamlException ex)
        {
            return new(null, [new RuleProblem((int)Math.Max(1, ex.Start.Line), ProblemSeverity.Error, "not valid YAML: " + (ex.InnerException?.Message ?? ex.Message))]);
        }

        if (root.Whole is not YamlMappingNode mapping || root.ExtraDocumentLine is not null)
        {
            return new(null, [new RuleProblem(root.ExtraDocumentLine ?? 1, ProblemSeverity.Error, "a broadcast file is one mapping (id, audience, content, …)")]);
        }

        var problems = new List<RuleProblem>();
        var file = new Reader(new YamlReader(problems), folder).Broadcast(mapping);
        return new(problems.Any(p => p.Severity == ProblemSeverity.Error) ? null : file, problems);
    }

    private sealed class Reader(YamlReader yaml, string folder)
    {
        public BroadcastFile? Broadcast(YamlMappingNode root)
        {
            var entries = Entries(root, "the broadcast", TopKeys);
            string? id = null;
            DateTimeOffset? at = null;
            Audience? audience = null;
            BroadcastContent? content = null;
            var preview = new List<string>();
            int? cap = null;
            var ignoreReprint = false;
            foreach (var (key, value) in entries)
            {
                switch (key)
                {
                    case "id":
                        id = Id(value);
                        break;
                    case "at":
                        at = At(value);
                        break;
                    case "audience":
                        audience = ReadAudience(value);
                        break;
                    case "content":
                        content = Content(value);
                        break;
                    case "preview":
                        preview.AddRange(Strings(value, "preview", OpenIdPattern(), "an OpenID"));
                        break;
                    case "caps":
                        cap = Caps(value);
                        break;
                    case "sendIgnoreReprint":
                        ignoreReprint = Bool(value, "sendIgnoreReprint");
                        break;
                }
            }

            foreach (var (name, found) in new[] { ("id", id is not null), ("audience", audience is not null), ("content", content is not null) })
            {
                if (!found && !entries.Any(e => e.Key == name))
                {
                    Error(root, $"'{name}' is required");
                }
            }

            return id is null || audience is null || content is null ? null : new BroadcastFile(id, at, audience, content, preview, cap, ignoreReprint);
        }

        private string? Id(YamlNode node)
        {
            var value = Scalar(node, "id");
            if (value is null)
            {
                return null;
            }

            if (!IdPattern().IsMatch(value))
            {
                Error(node, $"id must be 1 to {BroadcastLimits.MaxIdLength} letters, digits, '-', '_' or '.', starting with a letter or digit (it goes into WeChat's 64-byte clientmsgid)");
                return null;
            }

            return value;
        }

        private DateTimeOffset? At(YamlNode node)
        {
            var value = Scalar(node, "at");
            if (value is null)
            {
                return null;
            }

            // An offset is required: "19:00" alone would mean the server's zone, not the brand's.
            if (!AtPattern().IsMatch(value) || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                Error(node, $"at must be a date and time with its offset, like 2026-03-20T19:00+08:00 (got '{value}')");
                return null;
            }

            return at;
        }

        private Audience? ReadAudience(YamlNode node)
        {
            if (Mapping(node, "audience must be one of { all: true }, { tag: NAME }, { scene: NAME }, { openids: [...] }") is not { } map)
            {
                return null;
            }

            var entries = Entries(map, "audience", "all", "tag", "scene", "openids");
            if (entries.Count != 1)
            {
                Error(node, "audience takes exactly one of all, tag, scene, openids");
                return null;
            }

            var (key, value) = entries[0];
            switch (key)
            {
                case "all":
                    if (!Bool(value, "audience.all"))
                    {
                        Error(value, "audience.all must be true (to send to a part of the followers, name a tag)");
                        return null;
                    }

                    return new Audience(AudienceKind.All);
                case "tag":
                    return Scalar(value, "audience.tag") is { Length: > 0 and <= 30 } tag ? new Audience(AudienceKind.Tag, Tag: tag) : Fail(value, "audience.tag must be a tag name of 1 to 30 characters");
                case "scene":
                    return Scalar(value, "audience.scene") is { Length: > 0 and <= 64 } scene ? new Audience(AudienceKind.Scene, Scene: scene) : Fail(value, "audience.scene must be a QR scene of 1 to 64 characters");
                default:
                    var ids = Strings(value, "audience.openids", OpenIdPattern(), "an OpenID");
                    if (ids.Count < 2)
                    {
                        // mass/send refuses fewer than two; one follower is what preview is for.
                        Error(value, "audience.openids needs at least 2 OpenIDs (WeChat's minimum; for one person use preview)");
                        return null;
                    }

                    var duplicate = ids.GroupBy(i => i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                    if (duplicate is not null)
                    {
                        Error(value, $"audience.openids lists an OpenID twice (item {ids.IndexOf(duplicate.Key) + 1})");
                        return null;
                    }

                    return new Audience(AudienceKind.OpenIds, OpenIds: ids);
            }
        }

        private Audience? Fail(YamlNode node, string message)
        {
            Error(node, message);
            return null;
        }

        private BroadcastContent? Content(YamlNode node)
        {
            if (Mapping(node, "content must be one of text, image, articles") is not { } map)
            {
                return null;
            }

            var entries = Entries(map, "content", "text", "image", "articles");
            if (entries.Count != 1)
            {
                Error(node, "content takes exactly one of text, image, articles");
                return null;
            }

            var (key, value) = entries[0];
            switch (key)
            {
                case "text":
                    var text = Scalar(value, "content.text");
                    if (string.IsNullOrWhiteSpace(text))
                    {
                        Error(value, "content.text must not be empty");
                        return null;
                    }

                    if (text.Length > BroadcastLimits.MaxText)
                    {
                        Error(value, $"content.text has {text.Length} characters; at most {BroadcastLimits.MaxText}");
                        return null;
                    }

                    if (text.Length > BroadcastLimits.ConsoleTextLimit)
                    {
                        Warning(value, $"content.text has {text.Length} characters; the console allows {BroadcastLimits.ConsoleTextLimit}, the API's limit is not published");
                    }

                    return new TextContent(text);
                case "image":
                    return LocalFile(value, "content.image", BroadcastLimits.ImageExtensions, BroadcastLimits.MaxImageBytes) is { } image ? new ImageContent(image) : null;
                default:
                    return Articles(value);
            }
        }

        private ArticlesContent? Articles(YamlNode node)
        {
            if (node is not YamlSequenceNode list || list.Children.Count == 0)
            {
                Error(node, "content.articles must be a list of 1 to 8 articles");
                return null;
            }

            if (list.Children.Count > BroadcastLimits.MaxArticles)
            {
                Error(list.Children[BroadcastLimits.MaxArticles], $"content.articles has {list.Children.Count} articles; a draft holds at most {BroadcastLimits.MaxArticles}");
                return null;
            }

            var articles = new List<Article>();
            var ok = true;
            foreach (var item in list.Children)
            {
                if (Article(item) is { } article)
                {
                    articles.Add(article);
                }
                else
                {
                    ok = false;
                }
            }

            return ok ? new ArticlesContent(articles) : null;
        }

        private Article? Article(YamlNode node)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, "an article must be a mapping (title, cover, body, …)");
                return null;
            }

            string? title = null, cover = null, body = null, digest = null, author = null, sourceUrl = null;
            foreach (var (key, value) in Entries(map, "an article", "title", "cover", "body", "digest", "author", "sourceUrl"))
            {
                switch (key)
                {
                    case "title":
                        title = Scalar(value, "title");
                        if (title is not null && (title.Length == 0 || title.Length > BroadcastLimits.MaxTitle))
                        {
                            Error(value, $"title must be 1 to {BroadcastLimits.MaxTitle} characters (has {title.Length})");
                            title = null;
                        }

                        break;
                    case "cover":
                        cover = LocalFile(value, "cover", BroadcastLimits.ImageExtensions, BroadcastLimits.MaxImageBytes);
                        break;
                    case "body":
                        body = Body(value);
                        break;
                    case "digest":
                        digest = Limited(value, "digest", 120);
                        break;
                    case "author":
                        author = Limited(value, "author", 16);
                        break;
                    case "sourceUrl":
                        sourceUrl = Scalar(value, "sourceUrl");
                        if (sourceUrl is not null && !(Uri.TryCreate(sourceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
                        {
                            Error(value, "sourceUrl must be an http(s) URL");
                        }

                        break;
                }
            }

            foreach (var (name, value) in new[] { ("title", title), ("cover", cover), ("body", body) })
            {
                if (value is null && !map.Children.Any(c => (c.Key as YamlScalarNode)?.Value == name))
                {
                    Error(node, $"an article needs '{name}'");
                }
            }

            return title is null || cover is null || body is null ? null : new Article(title, cover, body, digest, author, sourceUrl);
        }

        private string? Body(YamlNode node)
        {
            var path = LocalFile(node, "body", [".md", ".markdown", ".html", ".htm"], 5L * 1024 * 1024);
            if (path is null)
            {
                return null;
            }

            var ok = true;
            foreach (var src in ArticleBody.ImageSources(path))
            {
                if (ArticleBody.IsRemote(src))
                {
                    if (!ArticleBody.IsWeChatHosted(src))
                    {
                        Error(node, $"body {Path.GetFileName(path)} shows the remote image {src}: WeChat strips images not uploaded to it; save it beside the body and link it by path");
                        ok = false;
                    }

                    continue;
                }

                var image = ArticleBody.Resolve(path, src);
                if (!System.IO.File.Exists(image))
                {
                    Error(node, $"body {Path.GetFileName(path)} shows {src}, which does not exist (resolved to {image})");
                    ok = false;
                }
                else if (!BroadcastLimits.BodyImageExtensions.Contains(Path.GetExtension(image).ToLowerInvariant()) || new FileInfo(image).Length >= BroadcastLimits.MaxBodyImageBytes)
                {
                    Error(node, $"body {Path.GetFileName(path)} shows {src}: images inside an article must be jpg or png under 1 MB (uploadimg)");
                    ok = false;
                }
            }

            return ok ? path : null;
        }

        private string? LocalFile(YamlNode node, string what, string[] extensions, long maxBytes)
        {
            var value = Scalar(node, what);
            if (string.IsNullOrEmpty(value))
            {
                Error(node, $"{what} must name a local file");
                return null;
            }

            var path = Path.GetFullPath(Path.Combine(folder, value));
            if (!System.IO.File.Exists(path))
            {
                Error(node, $"{what} '{value}' does not exist (resolved to {path})");
                return null;
            }

            if (!extensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            {
                Error(node, $"{what} '{value}' must be one of {string.Join(", ", extensions)}");
                return null;
            }

            var size = new FileInfo(path).Length;
            if (size > maxBytes || size == 0)
            {
                Error(node, $"{what} '{value}' has {size} bytes; WeChat takes 1 to {maxBytes} for it");
                return null;
            }

            return path;
        }

        private int? Caps(YamlNode node)
        {
            if (Mapping(node, "caps must be a mapping like { perFollowerPer30Days: 2 }") is not { } map)
            {
                return null;
            }

            int? cap = null;
            foreach (var (_, value) in Entries(map, "caps", "perFollowerPer30Days"))
            {
                if (Scalar(value, "caps.perFollowerPer30Days") is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 30)
                {
                    cap = n;
                }
                else
                {
                    Error(value, "caps.perFollowerPer30Days must be a whole number from 1 to 30");
                }
            }

            return cap;
        }

        private string? Limited(YamlNode node, string what, int max)
        {
            var value = Scalar(node, what);
            if (value is not null && value.Length > max)
            {
                Error(node, $"{what} must be at most {max} characters (has {value.Length})");
                return null;
            }

            return value;
        }

        private bool Bool(YamlNode node, string what)
        {
            switch (Scalar(node, what))
            {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    Error(node, $"{what} must be true or false");
                    return false;
            }
        }

        private List<string> Strings(YamlNode node, string what, Regex pattern, string kind)
        {
            var values = new List<string>();
            foreach (var item in yaml.Sequence(node, what))
            {
                var value = Scalar(item, what);
                if (value is null || !pattern.IsMatch(value))
                {
                    Error(item, $"{what}: '{value}' is not {kind}");
                    continue;
                }

                values.Add(value);
            }

            return values;
        }

        private string? Scalar(YamlNode node, string what) => yaml.Scalar(node, what);

        private List<(string Key, YamlNode Value)> Entries(YamlMappingNode map, string where, params string[] known) => [.. yaml.Entries(map, where, known)];

        private void Error(YamlNode node, string message) => yaml.Error(node, message);

        private void Warning(YamlNode node, string message) => yaml.Warning(node.Line, message);

        /// <summary>The node as a mapping, or null with <paramref name="message"/> (which names the shapes it may take) recorded.</summary>
        private YamlMappingNode? Mapping(YamlNode node, string message)
        {
            if (node is YamlMappingNode map)
            {
                return map;
            }

            Error(node, message);
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex AtPattern();

    // OpenIDs are 28 characters of base64url in practice; any 6..64 of those is accepted, nothing else.
    [GeneratedRegex("^[A-Za-z0-9_-]{6,64}$")]
    private static partial Regex OpenIdPattern();
}
