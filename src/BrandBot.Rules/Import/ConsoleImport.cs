using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BrandBot.Rules.Import;

/// <summary>
/// Converts the JSON of WeChat's <c>get_current_autoreply_info</c> API (the console's own auto-reply:
/// follow reply, default reply, keyword rules) into our rules YAML, so a brand moves off the console
/// without retyping. What cannot be carried over is kept as a YAML comment and reported as a note.
/// </summary>
public static class ConsoleImport
{
    public sealed record Result(string Yaml, IReadOnlyList<string> Notes);

    /// <exception cref="JsonException">The input is not JSON.</exception>
    public static Result Convert(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var notes = new List<string>();
        var yaml = new StringBuilder("# Imported from the WeChat console auto-reply (get_current_autoreply_info).\n");

        if (root.TryGetProperty("add_friend_autoreply_info", out var follow) && IsOn(root, "is_add_friend_reply_open"))
        {
            yaml.Append("follow:\n  replies:\n");
            AppendReply(yaml, follow, "    ", "follow reply", notes);
        }

        if (root.TryGetProperty("message_default_autoreply_info", out var fallback) && IsOn(root, "is_autoreply_open"))
        {
            yaml.Append("default:\n  replies:\n");
            AppendReply(yaml, fallback, "    ", "default reply", notes);
        }

        var rules = root.TryGetProperty("keyword_autoreply_info", out var info) && info.TryGetProperty("list", out var list)
            ? list.EnumerateArray().ToList()
            : [];
        if (rules.Count > 0)
        {
            yaml.Append("rules:\n");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            AppendRule(yaml, rules[i], i, names, notes);
        }

        return new Result(yaml.ToString(), notes);
    }

    // The switches are absent in some answers; absent means the reply is in use.
    private static bool IsOn(JsonElement root, string flag) =>
        !root.TryGetProperty(flag, out var value) || value.ValueKind != JsonValueKind.Number || value.GetInt32() != 0;

    private static void AppendRule(StringBuilder yaml, JsonElement rule, int index, HashSet<string> names, List<string> notes)
    {
        var name = Text(rule, "rule_name") is { Length: > 0 } given ? given : $"rule-{index + 1}";
        var unique = name;
        for (var n = 2; !names.Add(unique); n++)
        {
            unique = $"{name}-{n}";
        }

        yaml.Append("  - name: ").Append(Quote(unique)).Append('\n');
        if (Text(rule, "reply_mode") == "random_one")
        {
            yaml.Append("    mode: random_one\n");
        }

        yaml.Append("    keywords:\n");
        foreach (var keyword in Array(rule, "keyword_list_info"))
        {
            // The console knows two match modes; ours has the same names.
            var mode = Text(keyword, "match_mode") == "equal" ? "equal" : "contain";
            yaml.Append("      - ").Append(mode).Append(": ").Append(Quote(Text(keyword, "content") ?? "")).Append('\n');
        }

        yaml.Append("    replies:\n");
        foreach (var reply in Array(rule, "reply_list_info"))
        {
            AppendReply(yaml, reply, "      ", $"rule '{unique}'", notes);
        }
    }

    private static void AppendReply(StringBuilder yaml, JsonElement reply, string indent, string where, List<string> notes)
    {
        var content = Text(reply, "content") ?? "";
        switch (Text(reply, "type"))
        {
            case "text":
                yaml.Append(indent).Append("- text: ").Append(Quote(content)).Append('\n');
                break;
            case "img":
                yaml.Append(indent).Append("- image: { mediaId: ").Append(Quote(content)).Append(" }\n");
                break;
            case "voice":
                yaml.Append(indent).Append("- voice: { mediaId: ").Append(Quote(content)).Append(" }\n");
                break;
            case "news" when reply.TryGetProperty("news_info", out var news):
                yaml.Append(indent).Append("- news:\n");
                foreach (var article in Array(news, "list"))
                {
                    yaml.Append(indent).Append("    - title: ").Append(Quote(Text(article, "title") ?? "")).Append('\n');
                    AppendField(yaml, indent + "      ", "description", Text(article, "digest"));
                    AppendField(yaml, indent + "      ", "picUrl", Text(article, "cover_url"));
                    AppendField(yaml, indent + "      ", "url", Text(article, "content_url"));
                }

                break;
            case "video":
                // The console gives a video's page URL, not a media id a passive reply could use.
                yaml.Append(indent).Append("- text: ").Append(Quote(content)).Append("   # was a video; upload it and use video: { mediaId: … }\n");
                notes.Add($"{where}: a video reply became a text link (upload the video and use its mediaId)");
                break;
            default:
                yaml.Append(indent).Append("# not imported: ").Append(Text(reply, "type")).Append(' ').Append(content.ReplaceLineEndings(" ")).Append('\n');
                notes.Add($"{where}: a '{Text(reply, "type")}' reply cannot be carried over; add it by hand");
                break;
        }
    }

    private static void AppendField(StringBuilder yaml, string indent, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            yaml.Append(indent).Append(name).Append(": ").Append(Quote(value)).Append('\n');
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString()
            : null;

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    /// <summary>A YAML double-quoted scalar: safe for any text, Chinese and emoji kept as they are.</summary>
    public static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
