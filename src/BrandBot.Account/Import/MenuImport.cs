using System.Globalization;
using System.Text;
using System.Text.Json;
using BrandBot.Account.Menus;
using BrandBot.Rules.Import;

namespace BrandBot.Account.Import;

/// <summary>
/// Today's menu as a rules file (<c>account import</c>), so a brand moves over without retyping. The
/// default menu comes from get_current_selfmenu_info, which also shows a menu built in the console
/// before the switch (docs/wechat-account-apis.md §1.7); the console's own button kinds (text, img, voice, video,
/// news: an answer WeChat gave by itself) become a click key and a rule that answers it, because once
/// the server URL is set WeChat stops answering them. Conditional menus come from menu/get.
/// </summary>
public static class MenuImport
{
    public sealed record Result(string Yaml, IReadOnlyList<string> Notes);

    /// <param name="selfMenu">get_current_selfmenu_info's answer.</param>
    /// <param name="apiMenu">menu/get's answer, null when no menu was set through the API.</param>
    /// <param name="tagNames">Tag id → name, for conditional menus.</param>
    public static Result Convert(JsonElement selfMenu, JsonElement? apiMenu, IReadOnlyDictionary<int, string> tagNames, DateOnly today)
    {
        var notes = new List<string>();
        var yaml = new StringBuilder();
        var rules = new StringBuilder();
        var keys = 0;
        yaml.Append("# Imported with brandbot account import on ").Append(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(".\n");
        var buttons = selfMenu.TryGetProperty("selfmenu_info", out var info) && info.TryGetProperty("button", out var b) ? b : default;
        if (buttons.ValueKind != JsonValueKind.Array || buttons.GetArrayLength() == 0)
        {
            notes.Add("the account shows no menu");
            yaml.Append("# The account shows no menu.\n");
            return new Result(yaml.ToString(), notes);
        }

        yaml.Append("menu:\n  buttons:\n");
        foreach (var button in buttons.EnumerateArray())
        {
            WriteButton(yaml, rules, button, "    ", ref keys, notes);
        }

        if (apiMenu is { } api && api.TryGetProperty("conditionalmenu", out var conditionals) && conditionals.ValueKind == JsonValueKind.Array && conditionals.GetArrayLength() > 0)
        {
            yaml.Append("  byTag:\n");
            // WeChat matches the newest first; the rules file lists the strongest first.
            foreach (var conditional in conditionals.EnumerateArray().Reverse())
            {
                var rule = conditional.TryGetProperty("matchrule", out var r) ? r : default;
                var tagId = rule.ValueKind == JsonValueKind.Object && (rule.TryGetProperty("tag_id", out var t) || rule.TryGetProperty("group_id", out t)) ? t.ToString() : "";
                var tag = int.TryParse(tagId, out var id) && tagNames.TryGetValue(id, out var name) ? name : $"tag-{tagId}";
                yaml.Append("    ").Append(ConsoleImport.Quote(tag)).Append(":\n      buttons:\n");
                foreach (var button in WireButton.Read(conditional.TryGetProperty("button", out var cb) ? cb : default))
                {
                    WriteWire(yaml, button, "        ");
                }
            }
        }

        if (rules.Length > 0)
        {
            yaml.Append("rules:\n").Append(rules);
        }

        return new Result(yaml.ToString(), notes);
    }

    private static void WriteButton(StringBuilder yaml, StringBuilder rules, JsonElement button, string indent, ref int keys, List<string> notes)
    {
        var name = Text(button, "name") ?? "";
        yaml.Append(indent).Append("- name: ").Append(ConsoleImport.Quote(name)).Append('\n');
        var inner = indent + "  ";
        if (button.TryGetProperty("sub_button", out var sub) && (sub.ValueKind == JsonValueKind.Array ? sub : sub.TryGetProperty("list", out var list) ? list : default) is { ValueKind: JsonValueKind.Array } children
            && children.GetArrayLength() > 0)
        {
            yaml.Append(inner).Append("sub:\n");
            foreach (var child in children.EnumerateArray())
            {
                WriteButton(yaml, rules, child, inner + "  ", ref keys, notes);
            }

            return;
        }

        var type = Text(button, "type") ?? "";
        var value = Text(button, "value") ?? "";
        switch (type)
        {
            case "text" or "img" or "voice" or "video" or "news":
                // A console answer: WeChat stops giving it once the server URL is set, so a rule gives it now.
                var key = $"MENU_{++keys}";
                yaml.Append(inner).Append("key: ").Append(key).Append("   # was a console ").Append(type).Append(" reply; the rule ").Append(ConsoleImport.Quote($"menu-{keys}")).Append(" answers it\n");
                rules.Append("  - name: ").Append(ConsoleImport.Quote($"menu-{keys}")).Append("   # the menu button ").Append(ConsoleImport.Quote(name)).Append('\n');
                rules.Append("    menuKeys: [ ").Append(key).Append(" ]\n    replies:\n");
                WriteConsoleReply(rules, type, value, button, name, notes);
                break;
            default:
                WriteWire(yaml, WireButton.Read(JsonDocument.Parse($"[{button.GetRawText()}]").RootElement)[0], indent, nameWritten: true);
                break;
        }
    }

    private static void WriteConsoleReply(StringBuilder rules, string type, string value, JsonElement button, string name, List<string> notes)
    {
        const string indent = "      ";
        switch (type)
        {
            case "text":
                rules.Append(indent).Append("- text: ").Append(ConsoleImport.Quote(value)).Append('\n');
                break;
            case "video":
                // §1.7: a console video button holds a link to the video, not a media id.
                rules.Append(indent).Append("- text: ").Append(ConsoleImport.Quote(value)).Append('\n');
                notes.Add($"button '{name}': the console's video is kept as a text with its link; upload it and use video: {{ mediaId: … }}");
                break;
            case "news":
                rules.Append(indent).Append("- news:\n");
                var articles = button.TryGetProperty("news_info", out var news) && news.TryGetProperty("list", out var items) ? items.EnumerateArray().Take(8).ToList() : [];
                foreach (var article in articles)
                {
                    rules.Append(indent).Append("    - title: ").Append(ConsoleImport.Quote(Text(article, "title") ?? "")).Append('\n');
                    foreach (var (field, from) in new[] { ("description", "digest"), ("picUrl", "cover_url"), ("url", "content_url") })
                    {
                        if (Text(article, from) is { Length: > 0 } text)
                        {
                            rules.Append(indent).Append("      ").Append(field).Append(": ").Append(ConsoleImport.Quote(text)).Append('\n');
                        }
                    }
                }

                break;
            default:
                // §1.7: the media ids get_current_selfmenu_info returns are temporary (3 days).
                var kind = type == "img" ? "image" : "voice";
                rules.Append(indent).Append("- ").Append(kind).Append(": { mediaId: ").Append(ConsoleImport.Quote(value)).Append(" }   # a temporary media id (3 days): upload as permanent material and put its media_id here\n");
                notes.Add($"button '{name}': its {kind}'s media id is temporary (3 days); replace it with a permanent material's media_id");
                break;
        }
    }

    private static void WriteWire(StringBuilder yaml, WireButton button, string indent, bool nameWritten = false)
    {
        var inner = indent + "  ";
        if (!nameWritten)
        {
            yaml.Append(indent).Append("- name: ").Append(ConsoleImport.Quote(button.Name)).Append('\n');
        }

        if (button.Sub.Count > 0)
        {
            yaml.Append(inner).Append("sub:\n");
            foreach (var child in button.Sub)
            {
                WriteWire(yaml, child, inner + "  ");
            }

            return;
        }

        string Q(string? text) => ConsoleImport.Quote(text ?? "");
        yaml.Append(inner).Append(button.Type switch
        {
            "click" => $"key: {Q(button.Key)}",
            "view" => $"url: {Q(button.Url)}",
            "miniprogram" => $"miniprogram: {{ appid: {Q(button.AppId)}, pagepath: {Q(button.PagePath)}, url: {Q(button.Url)} }}",
            "scancode_push" => $"scan: {{ key: {Q(button.Key)}, wait: false }}",
            "scancode_waitmsg" => $"scan: {{ key: {Q(button.Key)}, wait: true }}",
            "pic_sysphoto" => $"photo: {{ key: {Q(button.Key)}, from: camera }}",
            "pic_weixin" => $"photo: {{ key: {Q(button.Key)}, from: album }}",
            "pic_photo_or_album" => $"photo: {{ key: {Q(button.Key)}, from: any }}",
            "location_select" => $"location: {{ key: {Q(button.Key)} }}",
            "article_id" or "article_view_limited" => $"article: {Q(button.ArticleId)}",
            var other => $"key: {Q(button.Key ?? "")}   # WeChat type '{other}' has no rules-file form; check this button",
        }).Append('\n');
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
