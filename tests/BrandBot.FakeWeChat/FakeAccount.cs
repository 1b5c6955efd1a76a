using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BrandBot.FakeWeChat;

/// <summary>
/// One Official Account's menus, parametric QR codes and follower tags as WeChat's API keeps them,
/// answering with the documented limits and error codes. Section numbers are those of
/// docs/wechat-account-apis.md, which every rule here comes from.
/// </summary>
public sealed class FakeAccount
{
    /// <summary>§3.2: ids 0–2 are the system's; id 2 is the starred group.</summary>
    private const int FirstTagId = 100;

    private readonly object _gate = new();
    private readonly List<(int Id, string Name)> _tags = [(2, "星标组")];
    private readonly Dictionary<string, HashSet<int>> _followerTags = new(StringComparer.Ordinal);
    private readonly List<Conditional> _conditionals = [];
    private readonly ConcurrentQueue<string> _calls = new();
    private JsonArray? _menu;
    private int _nextTag = FirstTagId;
    private int _nextMenuId = 400;
    private int _permanentCodes;
    private int _writes;
    private int _menuCreates;

    /// <summary>§1.5: menu/create calls a day (1000; test accounts 100); past it, 45009.</summary>
    public int MenuCreateQuota { get; set; } = 1000;

    /// <summary>§2.3: permanent codes per account (100,000); tests lower it to reach 45029.</summary>
    public int PermanentCodeCap { get; set; } = 100_000;

    /// <summary>OpenIDs that are not followers of this account: tagging them answers 40003 (§3.4 item 3).</summary>
    public ConcurrentDictionary<string, bool> Strangers { get; } = new(StringComparer.Ordinal);

    /// <summary>Error codes to answer the next batchtagging calls with, before looking at them (e.g. -1, 45159).</summary>
    public ConcurrentQueue<int> NextTaggingErrors { get; } = new();

    /// <summary>A menu set in the console (get_current_selfmenu_info's shape, §1.7), shown until the API sets one.</summary>
    public JsonObject? ConsoleMenu { get; set; }

    /// <summary>Every account call, as "path errcode", in order.</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    /// <summary>Calls that changed something (menu, conditional menus, tags, codes, tagging), accepted or not.</summary>
    public int WriteCalls => Volatile.Read(ref _writes);

    /// <summary>Every QR code minted: the request body and the answer.</summary>
    public ConcurrentQueue<(JsonObject Request, string Ticket, string Url)> Codes { get; } = new();

    /// <summary>Every accepted batchtagging call: tag id and OpenIDs.</summary>
    public ConcurrentQueue<(int TagId, string[] OpenIds)> Taggings { get; } = new();

    public IReadOnlyList<(int Id, string Name)> Tags
    {
        get
        {
            lock (_gate)
            {
                return [.. _tags];
            }
        }
    }

    /// <summary>The default menu as the API holds it, or null.</summary>
    public JsonArray? Menu
    {
        get
        {
            lock (_gate)
            {
                return _menu?.DeepClone().AsArray();
            }
        }
    }

    /// <summary>Conditional menus, oldest first: tag id and buttons.</summary>
    public IReadOnlyList<(string MenuId, int TagId, JsonArray Buttons)> Conditionals
    {
        get
        {
            lock (_gate)
            {
                return [.. _conditionals.Select(c => (c.MenuId, c.TagId, c.Buttons.DeepClone().AsArray()))];
            }
        }
    }

    public IReadOnlySet<int> TagsOf(string openId)
    {
        lock (_gate)
        {
            return _followerTags.TryGetValue(openId, out var tags) ? new HashSet<int>(tags) : new HashSet<int>();
        }
    }

    public int? TagId(string name)
    {
        lock (_gate)
        {
            return _tags.Where(t => t.Name == name).Select(t => (int?)t.Id).FirstOrDefault();
        }
    }

    /// <param name="tokenIsValid">Whether an access_token was handed out by this fake (else 40001).</param>
    public void Map(WebApplication app, Func<string, bool> tokenIsValid)
    {
        void Post(string path, Func<JsonObject, JsonObject> handle, bool writes = true) =>
            app.MapPost(path, context => AnswerAsync(context, path, tokenIsValid, writes, handle));
        void Get(string path, Func<JsonObject> handle) =>
            app.MapGet(path, context => AnswerAsync(context, path, tokenIsValid, false, _ => handle()));

        Post("/cgi-bin/menu/create", CreateMenu);
        Get("/cgi-bin/menu/get", GetMenu);
        Get("/cgi-bin/menu/delete", DeleteMenu);
        Post("/cgi-bin/menu/addconditional", AddConditional);
        Post("/cgi-bin/menu/delconditional", DeleteConditional);
        Get("/cgi-bin/get_current_selfmenu_info", SelfMenu);
        Get("/cgi-bin/tags/get", GetTags);
        Post("/cgi-bin/tags/create", CreateTag);
        Post("/cgi-bin/tags/members/batchtagging", BatchTagging);
        Post("/cgi-bin/tags/getidlist", GetIdList, writes: false);
        Post("/cgi-bin/qrcode/create", CreateQrCode);
    }

    private async Task AnswerAsync(HttpContext context, string path, Func<string, bool> tokenIsValid, bool writes, Func<JsonObject, JsonObject> handle)
    {
        JsonObject answer;
        if (writes)
        {
            Interlocked.Increment(ref _writes);
        }

        if (!tokenIsValid(context.Request.Query["access_token"].ToString()))
        {
            answer = Error(40001, "invalid credential, access_token is invalid or not latest");
        }
        else if (HttpMethods.IsPost(context.Request.Method))
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var text = Encoding.UTF8.GetString(buffer.ToArray());
            answer = Parse(context, text) is { } body ? Handle(handle, body) : BadBody(context, text);
        }
        else
        {
            answer = Handle(handle, []);
        }

        _calls.Enqueue($"{path} {answer["errcode"]?.GetValue<int>() ?? 0}");
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(answer.ToJsonString(Raw), Encoding.UTF8);
    }

    private JsonObject Handle(Func<JsonObject, JsonObject> handle, JsonObject body)
    {
        lock (_gate)
        {
            return handle(body);
        }
    }

    private static JsonObject? Parse(HttpContext context, string text)
    {
        // §1.8 item 4: WeChat rejects bodies with \uXXXX escapes; §1.6 65318: it wants UTF-8.
        if (text.Contains("\\u", StringComparison.Ordinal) || !(context.Request.ContentType ?? "").Contains("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject BadBody(HttpContext context, string text) =>
        text.Contains("\\u", StringComparison.Ordinal) ? Error(40033, "invalid charset. please check your request, if include \\uxxxx will create fail!")
        : !(context.Request.ContentType ?? "").Contains("utf-8", StringComparison.OrdinalIgnoreCase) ? Error(65318, "must use utf-8 charset")
        : Error(40016, "invalid button size");

    // §1.2, §1.5, §1.6: the checks menu/create makes, with the code each failure answers.
    private static JsonObject? CheckButtons(JsonNode? buttons)
    {
        if (buttons is not JsonArray top || top.Count is 0 or > 3)
        {
            return Error(40016, "invalid button size");
        }

        foreach (var node in top)
        {
            if (node is not JsonObject button)
            {
                return Error(40016, "invalid button size");
            }

            if (Bytes(button, "name") is 0 or > 16)
            {
                return Error(40018, "invalid button name size");
            }

            if (button["sub_button"] is JsonArray { Count: > 0 } sub)
            {
                if (sub.Count > 5)
                {
                    return Error(40023, "invalid sub button size");
                }

                foreach (var child in sub)
                {
                    if (child is not JsonObject leaf)
                    {
                        return Error(40023, "invalid sub button size");
                    }

                    if (Bytes(leaf, "name") is 0 or > 60)
                    {
                        return Error(40025, "invalid sub button name size");
                    }

                    if (CheckLeaf(leaf, sub: true) is { } problem)
                    {
                        return problem;
                    }
                }
            }
            else if (CheckLeaf(button, sub: false) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static JsonObject? CheckLeaf(JsonObject button, bool sub)
    {
        var type = button["type"]?.GetValue<string>();
        switch (type)
        {
            case "click" or "scancode_push" or "scancode_waitmsg" or "pic_sysphoto" or "pic_photo_or_album" or "pic_weixin" or "location_select":
                return Bytes(button, "key") is 0 or > 128 ? Error(sub ? 40026 : 40019, sub ? "invalid sub button key size" : "invalid button key size") : null;
            case "view":
                return Bytes(button, "url") is 0 or > 1024 ? Error(sub ? 40027 : 40020, sub ? "invalid sub button url size" : "invalid button url size") : null;
            case "miniprogram":
                // §1.8 item 3: appid + pagepath + url, else 40020/40027.
                if (Bytes(button, "url") is 0 or > 1024)
                {
                    return Error(sub ? 40027 : 40020, sub ? "invalid sub button url size" : "invalid button url size");
                }

                return Bytes(button, "appid") == 0 || Bytes(button, "pagepath") == 0 ? Error(40166, "invalid weapp appid") : null;
            case "article_id" or "article_view_limited":
                return Bytes(button, "article_id") == 0 ? Error(40017, "invalid button type") : null;
            default:
                return Error(sub ? 40024 : 40017, sub ? "invalid sub button type" : "invalid button type");
        }
    }

    private JsonObject CreateMenu(JsonObject body)
    {
        if (++_menuCreates > MenuCreateQuota)
        {
            return Error(45009, "reach max api daily quota limit");
        }

        if (CheckButtons(body["button"]) is { } problem)
        {
            return problem;
        }

        _menu = Stored(body["button"]!.AsArray());
        return Ok();
    }

    /// <summary>§1.7: menu/get leaves <c>sub_button: []</c> on every leaf and echoes tag_id rules as group_id.</summary>
    private JsonObject GetMenu()
    {
        if (_menu is null)
        {
            return Error(46003, "menu no exist");
        }

        var answer = new JsonObject { ["menu"] = new JsonObject { ["button"] = WithEmptySubs(_menu), ["menuid"] = 399 } };
        if (_conditionals.Count > 0)
        {
            answer["conditionalmenu"] = new JsonArray([.. _conditionals.Select(c => (JsonNode)new JsonObject
            {
                ["button"] = WithEmptySubs(c.Buttons),
                ["matchrule"] = new JsonObject { ["group_id"] = c.TagId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["menuid"] = long.Parse(c.MenuId, System.Globalization.CultureInfo.InvariantCulture),
            })]);
        }

        return answer;
    }

    /// <summary>§1.1: deletes the default menu and every conditional menu.</summary>
    private JsonObject DeleteMenu()
    {
        Interlocked.Increment(ref _writes);
        _menu = null;
        _conditionals.Clear();
        return Ok();
    }

    private JsonObject AddConditional(JsonObject body)
    {
        if (_menu is null)
        {
            return Error(65303, "there is no selfmenu, please create selfmenu first");
        }

        if (body["matchrule"] is not JsonObject rule || rule.Count == 0)
        {
            return Error(65304, "match rule empty");
        }

        // §1.4: only tag_id is still honoured; the privacy fields are refused.
        if (rule.Any(field => field.Key is "sex" or "country" or "province" or "city" or "language"))
        {
            return Error(65320, "privacy matchrule not allowed");
        }

        if (!int.TryParse(rule["tag_id"]?.ToString(), out var tagId) || _tags.All(t => t.Id != tagId))
        {
            return Error(45159, "invalid tag id");
        }

        if (CheckButtons(body["button"]) is { } problem)
        {
            return problem;
        }

        var menuId = (_nextMenuId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _conditionals.Add(new Conditional(menuId, tagId, Stored(body["button"]!.AsArray())));
        return new JsonObject { ["menuid"] = menuId };
    }

    private JsonObject DeleteConditional(JsonObject body)
    {
        var menuId = body["menuid"]?.ToString();
        return _conditionals.RemoveAll(c => c.MenuId == menuId) == 0 ? Error(65301, "this menu is not conditionalmenu") : Ok();
    }

    /// <summary>§1.7: the menu in use however it was set, with <c>sub_button</c> as <c>{"list":[…]}</c>.</summary>
    private JsonObject SelfMenu()
    {
        if (_menu is null)
        {
            return ConsoleMenu?.DeepClone().AsObject() ?? new JsonObject { ["is_menu_open"] = 0 };
        }

        var buttons = new JsonArray();
        foreach (var button in _menu.Select(b => b!.DeepClone().AsObject()))
        {
            if (button["sub_button"] is JsonArray sub)
            {
                button["sub_button"] = new JsonObject { ["list"] = sub.DeepClone() };
            }

            buttons.Add(button);
        }

        return new JsonObject { ["is_menu_open"] = 1, ["selfmenu_info"] = new JsonObject { ["button"] = buttons } };
    }

    private JsonObject GetTags() => new()
    {
        ["tags"] = new JsonArray([.. _tags.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.Id,
            ["name"] = t.Name,
            ["count"] = _followerTags.Values.Count(tags => tags.Contains(t.Id)),
        })]),
    };

    /// <summary>§3.2, §3.3: at most 100 tags, names of at most 30 UTF-8 bytes, no duplicates.</summary>
    private JsonObject CreateTag(JsonObject body)
    {
        var name = body["tag"]?["name"]?.GetValue<string>() ?? "";
        if (name.Length == 0 || _tags.Any(t => t.Name == name))
        {
            return Error(45157, "invalid tag name");
        }

        if (Encoding.UTF8.GetByteCount(name) > 30)
        {
            return Error(45158, "tag name too long");
        }

        if (_tags.Count >= 100)
        {
            return Error(45056, "too many tag now, no need to add new");
        }

        var id = _nextTag++;
        _tags.Add((id, name));
        return new JsonObject { ["tag"] = new JsonObject { ["id"] = id, ["name"] = name } };
    }

    /// <summary>§3.2–§3.4: 1–50 OpenIDs, a known tag, every OpenID a follower (else the whole call fails), at most 20 tags each.</summary>
    private JsonObject BatchTagging(JsonObject body)
    {
        if (NextTaggingErrors.TryDequeue(out var injected))
        {
            return Error(injected, injected == -1 ? "system error" : "injected");
        }

        var openIds = (body["openid_list"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").ToArray() ?? [];
        if (openIds.Length is 0 or > 50)
        {
            return Error(40032, "invalid openid list size");
        }

        if (!int.TryParse(body["tagid"]?.ToString(), out var tagId) || _tags.All(t => t.Id != tagId))
        {
            return Error(45159, "invalid tag id");
        }

        if (openIds.Any(id => !id.StartsWith('o') || Strangers.ContainsKey(id)))
        {
            return Error(40003, "invalid openid");
        }

        if (openIds.Any(id => _followerTags.TryGetValue(id, out var tags) && !tags.Contains(tagId) && tags.Count >= 20))
        {
            return Error(45059, "can not tagging one user too much");
        }

        foreach (var id in openIds)
        {
            if (!_followerTags.TryGetValue(id, out var tags))
            {
                _followerTags[id] = tags = [];
            }

            tags.Add(tagId);
        }

        Taggings.Enqueue((tagId, openIds));
        return Ok();
    }

    private JsonObject GetIdList(JsonObject body) => new()
    {
        ["tagid_list"] = new JsonArray([.. TagsOf(body["openid"]?.GetValue<string>() ?? "").Order().Select(id => (JsonNode)id)]),
    };

    /// <summary>§2.2, §2.3: the four action names, a scene (id or 1–64 character string), expiry ≤ 30 days, the permanent cap.</summary>
    private JsonObject CreateQrCode(JsonObject body)
    {
        var action = body["action_name"]?.GetValue<string>();
        if (action is not ("QR_SCENE" or "QR_STR_SCENE" or "QR_LIMIT_SCENE" or "QR_LIMIT_STR_SCENE"))
        {
            return Error(40052, "invalid action name");
        }

        var scene = body["action_info"]?["scene"];
        var sceneStr = scene?["scene_str"]?.GetValue<string>();
        var valid = action.EndsWith("STR_SCENE", StringComparison.Ordinal)
            ? sceneStr is { Length: >= 1 and <= 64 }
            : scene?["scene_id"]?.GetValue<long>() is { } id && id != 0 && (!action.StartsWith("QR_LIMIT", StringComparison.Ordinal) || id is >= 1 and <= 100_000);
        var permanent = action.StartsWith("QR_LIMIT", StringComparison.Ordinal);
        var expires = body["expire_seconds"]?.GetValue<long>() ?? 60;
        if (!valid || (!permanent && expires is < 1 or > 2_592_000))
        {
            return Error(40053, "invalid action info, please check document");
        }

        if (permanent && _permanentCodes >= PermanentCodeCap)
        {
            return Error(45029, "qrcode count out of limit");
        }

        if (permanent)
        {
            _permanentCodes++;
        }

        var ticket = "gQ" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var url = "http://weixin.qq.com/q/" + ticket[2..14];
        Codes.Enqueue((body.DeepClone().AsObject(), ticket, url));
        var answer = new JsonObject { ["ticket"] = ticket, ["url"] = url };
        if (!permanent)
        {
            answer["expire_seconds"] = expires;
        }

        return answer;
    }

    private static JsonArray Stored(JsonArray buttons)
    {
        var copy = buttons.DeepClone().AsArray();
        foreach (var button in copy.OfType<JsonObject>().Where(b => b["sub_button"] is JsonArray { Count: > 0 }))
        {
            // §1.3: a parent's own type and key are ignored.
            button.Remove("type");
            button.Remove("key");
            button.Remove("url");
        }

        return copy;
    }

    private static JsonArray WithEmptySubs(JsonArray buttons)
    {
        var copy = buttons.DeepClone().AsArray();
        foreach (var button in copy.OfType<JsonObject>())
        {
            if (button["sub_button"] is JsonArray sub)
            {
                foreach (var leaf in sub.OfType<JsonObject>())
                {
                    leaf["sub_button"] = new JsonArray();
                }
            }
            else
            {
                button["sub_button"] = new JsonArray();
            }
        }

        return copy;
    }

    private static int Bytes(JsonObject node, string field) =>
        node[field] is JsonValue value && value.TryGetValue<string>(out var text) ? Encoding.UTF8.GetByteCount(text) : 0;

    private static JsonObject Ok() => Error(0, "ok");

    private static JsonObject Error(int code, string message) => new() { ["errcode"] = code, ["errmsg"] = message };

    private static readonly JsonSerializerOptions Raw = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record Conditional(string MenuId, int TagId, JsonArray Buttons);
}
