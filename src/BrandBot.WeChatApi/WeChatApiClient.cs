using System.Net.Http.Headers;
using System.Text.Json;

namespace BrandBot.WeChatApi;

/// <summary>
/// The one client for WeChat's API: <c>stable_token</c> in normal mode (never force_refresh), the
/// customer-service send, JSON calls of the account, message and broadcast APIs, and multipart uploads
/// of material. The base address is <c>BrandBot:WeChatApiBaseUrl</c>, so tests point it at a fake API on
/// loopback. Nothing here retries: the callers decide what is safe (a mass send may only be repeated
/// with its clientmsgid, docs/broadcasts.md#exactly-once).
/// </summary>
public sealed class WeChatApiClient(IHttpClientFactory clients)
{
    /// <summary>The named client; the host gives it the base address and a timeout.</summary>
    public const string HttpClientName = "brandbot-wechat";

    /// <summary>Answers larger than this are not WeChat's, except a follower list's.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    /// <summary>user/get and user/tag/get answer up to 10,000 OpenIDs a page (about 350 KB).</summary>
    public const int MaxFollowerListAnswerBytes = 2 * 1024 * 1024;

    public async Task<TokenAnswer> GetStableTokenAsync(string appId, string appSecret, CancellationToken cancellationToken)
    {
        var body = new RawJsonWriter().BeginObject()
            .String("grant_type", "client_credential").String("appid", appId).String("secret", appSecret)
            .EndObject().ToUtf8();
        using var content = Json(body);
        using var document = await SendAsync("cgi-bin/stable_token", content, MaxAnswerBytes, cancellationToken);
        var root = document.RootElement;
        var (code, message) = Error(root);
        var token = root.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var expiresIn = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 0;
        return new TokenAnswer(token, expiresIn, code, message);
    }

    public async Task<ApiAnswer> SendCustomMessageAsync(string accessToken, byte[] json, CancellationToken cancellationToken)
    {
        using var document = await CallAsync("cgi-bin/message/custom/send", accessToken, json, cancellationToken);
        var (code, message) = Error(document.RootElement);
        return new ApiAnswer(code, message);
    }

    /// <summary>
    /// One JSON call (menus, QR codes, tags, sends, broadcasts): POST when <paramref name="body"/> is
    /// given, else GET; the answer parsed. <paramref name="path"/> may carry its own query.
    /// </summary>
    /// <param name="maxAnswerBytes"><see cref="MaxAnswerBytes"/>, or <see cref="MaxFollowerListAnswerBytes"/> for a follower list.</param>
    /// <exception cref="HttpRequestException">No JSON answer came (HTTP error, too large, not JSON, connection lost).</exception>
    public async Task<JsonDocument> CallAsync(string path, string accessToken, byte[]? body, CancellationToken cancellationToken, int maxAnswerBytes = MaxAnswerBytes)
    {
        using var content = Json(body);
        return await SendAsync(WithToken(path, accessToken), content, maxAnswerBytes, cancellationToken);
    }

    /// <summary>A multipart upload with the file in the form field <c>media</c>, as material/add_material and media/uploadimg take it.</summary>
    /// <param name="description">The <c>description</c> form field (a video's title and introduction as JSON), or null.</param>
    /// <exception cref="HttpRequestException">No JSON answer came (HTTP error, too large, not JSON, connection lost).</exception>
    public async Task<JsonDocument> UploadAsync(string path, string accessToken, string fileName, byte[] bytes, CancellationToken cancellationToken, string? description = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(MediaTypeOf(fileName));
        form.Add(file, "media", fileName);
        if (description is not null)
        {
            form.Add(new StringContent(description, System.Text.Encoding.UTF8), "description");
        }

        return await SendAsync(WithToken(path, accessToken), form, MaxAnswerBytes, cancellationToken);
    }

    /// <summary>A JSON body, or null for a GET.</summary>
    private static ByteArrayContent? Json(byte[]? body)
    {
        if (body is null)
        {
            return null;
        }

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>POSTs <paramref name="content"/> (GETs when null) and parses the answer, read up to <paramref name="maxAnswerBytes"/>.</summary>
    private async Task<JsonDocument> SendAsync(string pathAndQuery, HttpContent? content, int maxAnswerBytes, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        using var response = content is null ? await client.GetAsync(pathAndQuery, cancellationToken) : await client.PostAsync(pathAndQuery, content, cancellationToken);
        var bytes = await BoundedBody.ReadAsync(response.Content, maxAnswerBytes, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"WeChat API answered HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }

        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            throw new HttpRequestException("WeChat API answered with something that is not JSON");
        }
    }

    private static string WithToken(string path, string accessToken) =>
        path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "access_token=" + Uri.EscapeDataString(accessToken);

    private static string MediaTypeOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".bmp" => "image/bmp",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".mp3" => "audio/mpeg",
        ".amr" => "audio/amr",
        ".wav" => "audio/wav",
        ".wma" => "audio/x-ms-wma",
        ".mp4" => "video/mp4",
        _ => "application/octet-stream",
    };

    /// <summary>The errcode (0 when absent) and errmsg of an answer.</summary>
    public static (int Code, string Message) Error(JsonElement root) =>
        root.ValueKind != JsonValueKind.Object
            ? (-1, "not a JSON object")
            : (root.TryGetProperty("errcode", out var c) && c.TryGetInt32(out var code) ? code : 0,
               root.TryGetProperty("errmsg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "");
}

/// <summary>A stable_token answer: a token and its remaining seconds, or an error code.</summary>
public sealed record TokenAnswer(string? Token, int ExpiresIn, int ErrCode, string ErrMsg);

/// <summary>The <c>errcode</c>/<c>errmsg</c> every WeChat API answer carries (0 = ok).</summary>
public sealed record ApiAnswer(int ErrCode, string ErrMsg)
{
    /// <summary>40001 invalid credential (token overwritten or stale), 40014 invalid token, 42001 token expired.</summary>
    public bool IsTokenRejected => ErrCode is 40001 or 40014 or 42001;
}
