using System.Text.Json;
using BrandBot.Rules.Model;
using BrandBot.WeChatApi;

namespace BrandBot.Account.Menus;

/// <summary>
/// A menu button in WeChat's own terms, the one form both sides of a plan are compared in: what the
/// rules file declares and what <c>menu/get</c> answers (normalised: a parent keeps only its name
/// and sub buttons, empty <c>sub_button</c> lists are dropped — docs/wechat-account-apis.md §1.3, §1.7).
/// </summary>
public sealed record WireButton(string Name, string? Type, string? Key, string? Url, string? AppId, string? PagePath, string? ArticleId)
{
    public IReadOnlyList<WireButton> Sub { get; init; } = [];

    /// <summary>What the button does, for plan lines: <c>click STORES</c>, <c>view https://…</c>.</summary>
    public string Action => Sub.Count > 0 ? "sub menu" : Type switch
    {
        "view" => $"view {Url}",
        "miniprogram" => $"miniprogram {AppId} {PagePath} (else {Url})",
        "article_id" or "article_view_limited" => $"{Type} {ArticleId}",
        _ => $"{Type} {Key}",
    };

    public static List<WireButton> From(IReadOnlyList<ButtonDefinition> buttons) => [.. buttons.Select(From)];

    private static WireButton From(ButtonDefinition button)
    {
        if (button.IsParent || button.Action is null)
        {
            return new WireButton(button.Name, null, null, null, null, null, null) { Sub = From(button.Sub) };
        }

        var action = button.Action;
        return new WireButton(button.Name, action.WireType, action.Key, action.Url, action.AppId, action.PagePath, action.ArticleId);
    }

    /// <summary>Reads a <c>button</c> array of menu/get, or of get_current_selfmenu_info (whose <c>sub_button</c> is <c>{"list":[…]}</c>).</summary>
    public static List<WireButton> Read(JsonElement buttons)
    {
        var list = new List<WireButton>();
        if (buttons.ValueKind != JsonValueKind.Array)
        {
            return list;
        }

        foreach (var button in buttons.EnumerateArray())
        {
            var sub = button.TryGetProperty("sub_button", out var s) ? s : default;
            if (sub.ValueKind == JsonValueKind.Object && sub.TryGetProperty("list", out var inner))
            {
                sub = inner;
            }

            var children = sub.ValueKind == JsonValueKind.Array ? Read(sub) : [];
            string? Field(string name) => button.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            list.Add(children.Count > 0
                ? new WireButton(Field("name") ?? "", null, null, null, null, null, null) { Sub = children }
                : new WireButton(Field("name") ?? "", Field("type"), Field("key"), Field("url"), Field("appid"), Field("pagepath"), Field("article_id")));
        }

        return list;
    }

    /// <summary>The body of menu/create, or of addconditional when <paramref name="tagId"/> is given: raw UTF-8, no <c>\u</c> escapes (40033).</summary>
    public static byte[] Json(IReadOnlyList<WireButton> buttons, int? tagId = null)
    {
        var json = new RawJsonWriter().BeginObject();
        Write(json, buttons, "button");
        if (tagId is { } id)
        {
            json.BeginObject("matchrule").String("tag_id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)).EndObject();
        }

        return json.EndObject().ToUtf8();
    }

    /// <summary>A canonical text of a whole menu: two menus are the same exactly when these are equal.</summary>
    public static string Canonical(IReadOnlyList<WireButton> buttons) => System.Text.Encoding.UTF8.GetString(Json(buttons));

    private static void Write(RawJsonWriter json, IReadOnlyList<WireButton> buttons, string name)
    {
        json.BeginArray(name);
        foreach (var button in buttons)
        {
            json.BeginObject().String("name", button.Name);
            if (button.Sub.Count > 0)
            {
                Write(json, button.Sub, "sub_button");
            }
            else
            {
                json.String("type", button.Type).String("key", button.Key).String("url", button.Url)
                    .String("appid", button.AppId).String("pagepath", button.PagePath).String("article_id", button.ArticleId);
            }

            json.EndObject();
        }

        json.EndArray();
    }
}
