using System.Text.Json;
using BrandBot.WeChatApi;
using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Account;

/// <summary>A WeChat answer with a non-zero errcode, kept whole so callers can tell permanent from transient.</summary>
public sealed class WeChatApiException(string path, int code, string message)
    : Exception($"{path}: errcode {code} ({message})")
{
    public int Code { get; } = code;

    /// <summary>WeChat's errmsg.</summary>
    public string ErrMsg { get; } = message;

    public string Path { get; } = path;
}

/// <summary>
/// The menu, QR-code and tag calls (docs/wechat-account-apis.md §1–§3), each with the account's access token. A
/// token WeChat rejects (40001/40014/42001) is discarded and the call made once more with a fresh one —
/// safe, because WeChat refuses those before doing anything.
/// </summary>
public sealed class AccountApi(AccessTokens tokens, WeChatApiClient client, ApiCredentials credentials) : Media.IMediaUploadApi
{
    public string Account => credentials.Account;

    /// <summary>Calls <paramref name="path"/>; returns the answer's root, or throws <see cref="WeChatApiException"/> for a non-zero errcode.</summary>
    public Task<JsonElement> CallAsync(string path, byte[]? body, CancellationToken cancellationToken) =>
        WithTokenAsync(path, token => client.CallAsync(path, token, body, cancellationToken), cancellationToken);

    /// <summary>A material or uploadimg upload (docs/account-as-code.md#media-files).</summary>
    public Task<JsonElement> UploadAsync(string path, string fileName, byte[] bytes, string? description, CancellationToken cancellationToken) =>
        WithTokenAsync(path, token => client.UploadAsync(path, token, fileName, bytes, cancellationToken, description), cancellationToken);

    private async Task<JsonElement> WithTokenAsync(string path, Func<string, Task<JsonDocument>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await tokens.GetAsync(credentials, cancellationToken);
            using var answer = await call(token);
            var (code, message) = WeChatApiClient.Error(answer.RootElement);
            if (code == 0)
            {
                return answer.RootElement.Clone();
            }

            if (new ApiAnswer(code, message).IsTokenRejected && attempt == 0)
            {
                await tokens.DiscardAsync(credentials, token);
                continue;
            }

            throw new WeChatApiException(path, code, message);
        }
    }

    /// <summary>menu/get; null when no menu was set through the API (46003).</summary>
    public async Task<JsonElement?> GetMenuAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync("cgi-bin/menu/get", null, cancellationToken);
        }
        catch (WeChatApiException ex) when (ex.Code == 46003)
        {
            return null;
        }
    }

    public Task<JsonElement> GetSelfMenuAsync(CancellationToken cancellationToken) =>
        CallAsync("cgi-bin/get_current_selfmenu_info", null, cancellationToken);

    public Task CreateMenuAsync(byte[] json, CancellationToken cancellationToken) =>
        CallAsync("cgi-bin/menu/create", json, cancellationToken);

    /// <returns>The new conditional menu's menuid.</returns>
    public async Task<string> AddConditionalAsync(byte[] json, CancellationToken cancellationToken)
    {
        var answer = await CallAsync("cgi-bin/menu/addconditional", json, cancellationToken);
        return answer.TryGetProperty("menuid", out var id) ? id.ToString() : "";
    }

    /// <summary>§1.1: a JSON body with the menuid as a string (a form body gets 65301).</summary>
    public Task DeleteConditionalAsync(string menuId, CancellationToken cancellationToken) =>
        CallAsync("cgi-bin/menu/delconditional", new RawJsonWriter().BeginObject().String("menuid", menuId).EndObject().ToUtf8(), cancellationToken);

    /// <returns>Every tag: name → id.</returns>
    public async Task<Dictionary<string, int>> GetTagsAsync(CancellationToken cancellationToken)
    {
        var answer = await CallAsync("cgi-bin/tags/get", null, cancellationToken);
        var tags = new Dictionary<string, int>(StringComparer.Ordinal);
        if (answer.TryGetProperty("tags", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var tag in list.EnumerateArray())
            {
                if (tag.TryGetProperty("name", out var name) && tag.TryGetProperty("id", out var id) && id.TryGetInt32(out var number))
                {
                    tags.TryAdd(name.GetString() ?? "", number);
                }
            }
        }

        return tags;
    }

    /// <returns>The new tag's id.</returns>
    public async Task<int> CreateTagAsync(string name, CancellationToken cancellationToken)
    {
        var body = new RawJsonWriter().BeginObject().BeginObject("tag").String("name", name).EndObject().EndObject().ToUtf8();
        var answer = await CallAsync("cgi-bin/tags/create", body, cancellationToken);
        return answer.GetProperty("tag").GetProperty("id").GetInt32();
    }

    /// <summary>§3.1: tags up to 50 followers with one tag.</summary>
    public Task BatchTagAsync(int tagId, IReadOnlyList<string> openIds, CancellationToken cancellationToken)
    {
        var body = new RawJsonWriter().BeginObject().BeginArray("openid_list");
        foreach (var openId in openIds)
        {
            body.String(null, openId);
        }

        return CallAsync("cgi-bin/tags/members/batchtagging", body.EndArray().Number("tagid", tagId).EndObject().ToUtf8(), cancellationToken);
    }

    /// <summary>§2.2: a string-scene code, permanent or for <paramref name="expires"/>.</summary>
    public async Task<(string Ticket, string Url, long? ExpireSeconds)> CreateQrCodeAsync(string scene, TimeSpan? expires, CancellationToken cancellationToken)
    {
        var body = new RawJsonWriter().BeginObject();
        if (expires is { } life)
        {
            body.Number("expire_seconds", (long)life.TotalSeconds).String("action_name", "QR_STR_SCENE");
        }
        else
        {
            body.String("action_name", "QR_LIMIT_STR_SCENE");
        }

        body.BeginObject("action_info").BeginObject("scene").String("scene_str", scene).EndObject().EndObject().EndObject();
        var answer = await CallAsync("cgi-bin/qrcode/create", body.ToUtf8(), cancellationToken);
        long? seconds = answer.TryGetProperty("expire_seconds", out var e) && e.TryGetInt64(out var s) ? s : null;
        return (answer.GetProperty("ticket").GetString() ?? "", answer.GetProperty("url").GetString() ?? "", seconds);
    }
}
