using BrandBot.Protocol.Replies;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>Reads one entry of a <c>replies</c> list: a single-key mapping naming the reply kind.</summary>
internal static class ReplyReader
{
    private const string Kinds = "text, news, image, voice, video, music, transfer, webhook";

    public static RuleReply? Read(YamlReader reader, YamlNode node)
    {
        if (node is not YamlMappingNode { Children.Count: 1 } mapping)
        {
            reader.Error(node, $"a reply is a single key naming its kind ({Kinds})");
            return null;
        }

        var (keyNode, value) = mapping.Children.Single();
        var kind = (keyNode as YamlScalarNode)?.Value ?? "";
        var line = YamlReader.LineOf(keyNode);
        if (kind == "webhook")
        {
            return ReadWebhook(reader, value, line);
        }

        Reply? reply = kind switch
        {
            "text" => reader.Scalar(value, "text") is { } text ? new TextReply(text) : null,
            "news" => ReadNews(reader, value),
            "image" => Fields(reader, value, "image", "mediaId", "file") is { } f ? new ImageReply(MediaId(reader, f, "image", line)) : null,
            "voice" => Fields(reader, value, "voice", "mediaId", "file") is { } f ? new VoiceReply(MediaId(reader, f, "voice", line)) : null,
            "video" => Fields(reader, value, "video", "mediaId", "file", "title", "description") is { } f
                ? new VideoReply(MediaId(reader, f, "video", line), f["title"], f["description"])
                : null,
            "music" => Fields(reader, value, "music", "title", "description", "musicUrl", "hqMusicUrl", "thumbMediaId") is { } f
                ? new MusicReply(f["title"], f["description"], f["musicUrl"], f["hqMusicUrl"], FileOr(reader, f, "thumbMediaId", "thumb", line))
                : null,
            "transfer" => Fields(reader, value, "transfer", "kfAccount") is { } f ? new TransferReply(f["kfAccount"]) : null,
            _ => Unknown(reader, keyNode, kind),
        };
        return reply is null ? null : new StaticReply(reply, line);
    }

    internal static WebhookReply? ReadWebhook(YamlReader reader, YamlNode node, int line)
    {
        if (Fields(reader, node, "webhook", "url", "timeoutMs") is not { } f)
        {
            return null;
        }

        if (!Uri.TryCreate(f["url"], UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            reader.Error(line, $"webhook url '{f["url"]}' must be an absolute http(s) URL");
            return null;
        }

        var timeoutMs = WebhookReply.DefaultTimeoutMs;
        if (f["timeoutMs"] is { } text && (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out timeoutMs) || timeoutMs is < 1 or > 60_000))
        {
            reader.Error(line, $"webhook timeoutMs '{text}' must be a whole number of milliseconds from 1 to 60000");
            return null;
        }

        return new WebhookReply(url, timeoutMs, line);
    }

    private static Reply? Unknown(YamlReader reader, YamlNode node, string kind)
    {
        reader.Error(node, $"unknown reply kind '{kind}' (expected one of: {Kinds})");
        return null;
    }

    private static NewsReply? ReadNews(YamlReader reader, YamlNode node)
    {
        var articles = new List<Article>();
        foreach (var item in reader.Sequence(node, "news"))
        {
            if (Fields(reader, item, "a news article", "title", "description", "picUrl", "url") is { } f)
            {
                articles.Add(new Article(f["title"] ?? "", f["description"], FileOr(reader, f, "picUrl", "uploadimg", YamlReader.LineOf(item)), f["url"]));
            }
        }

        return new NewsReply(articles);
    }

    /// <summary>
    /// A media reply's id: its <c>mediaId</c>, or the id publish recorded for its local <c>file</c>
    /// (docs/rules-file.md#local-files); "" when neither, which validation reports.
    /// </summary>
    private static string MediaId(YamlReader reader, FieldValues fields, string kind, int replyLine)
    {
        if (fields["file"] is not { } file)
        {
            return fields["mediaId"] ?? "";
        }

        if (fields["mediaId"] is not null)
        {
            reader.Error(replyLine, $"a {kind} reply names a mediaId or a file, not both");
        }

        return reader.MediaFile(kind, file, fields.Lines["file"], replyLine);
    }

    /// <summary>A field that takes a value or <c>{ file: PATH }</c> (a picture's URL, a thumb's media id).</summary>
    private static string? FileOr(YamlReader reader, FieldValues fields, string key, string kind, int replyLine) =>
        fields.Files.TryGetValue(key, out var file) ? reader.MediaFile(kind, file, fields.Lines[key], replyLine) : fields[key];

    /// <summary>
    /// Reads a flat mapping of scalar fields; an empty value (e.g. <c>transfer: {}</c> or <c>transfer:</c>) gives no fields.
    /// A field that names a media id or a picture may instead be <c>{ file: PATH }</c>, kept in <see cref="FieldValues.Files"/>.
    /// </summary>
    private static FieldValues? Fields(YamlReader reader, YamlNode node, string where, params string[] known)
    {
        var fields = new FieldValues(known);
        if (YamlReader.IsNull(node))
        {
            return fields;
        }

        if (reader.Mapping(node, where) is not { } mapping)
        {
            return null;
        }

        foreach (var (key, value) in reader.Entries(mapping, where, known))
        {
            fields.Lines[key] = YamlReader.LineOf(value);
            if (key is "picUrl" or "thumbMediaId" && value is YamlMappingNode file)
            {
                foreach (var (fileKey, path) in reader.Entries(file, key, "file"))
                {
                    if (reader.Scalar(path, fileKey) is { Length: > 0 } text)
                    {
                        fields.Files[key] = text;
                    }
                }

                continue;
            }

            fields[key] = reader.Scalar(value, key);
        }

        return fields;
    }

    /// <summary>A reply's fields: values by key, local files by key, and each key's line.</summary>
    private sealed class FieldValues(string[] known)
    {
        private readonly Dictionary<string, string?> _values = known.ToDictionary(k => k, _ => (string?)null, StringComparer.Ordinal);

        public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Lines { get; } = new(StringComparer.Ordinal);

        public string? this[string key]
        {
            get => _values[key];
            set => _values[key] = value;
        }
    }
}
