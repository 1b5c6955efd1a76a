using System.Net.Http.Headers;
using System.Text.Json;

namespace BrandBot.WeChatApi;

/// <summary>
/// The two WeChat API calls BrandBot makes: <c>stable_token</c> in normal mode (never force_refresh)
/// and the customer-service send. The base address is <c>BrandBot:WeChatApiBaseUrl</c>, so tests
/// point it at a fake API on loopback. Nothing here retries: the callers decide what is safe.
/// </summary>
public sealed class WeChatApiClient(IHttpClientFactory clients)
{
    /// <summary>The named client; the host gives it the base address and a timeout.</summary>
    public const string HttpClientName = "brandbot-wechat";

    /// <summary>Answers larger than this are not WeChat's.</summary>
    private const int MaxAnswerBytes = 64 * 1024;

    public async Task<TokenAnswer> GetStableTokenAsync(string appId, string appSecret, CancellationToken cancellationToken)
    {
        var body = new RawJsonWriter().BeginObject()
            .String("grant_type", "client_credential").String("appid", appId).String("secret", appSecret)
            .EndObject().ToUtf8();
        using var document = await PostAsync("cgi-bin/stable_token", body, cancellationToken);
        var root = document.RootElement;
        var (code, message) = Error(root);
        var token = root.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var expiresIn = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 0;
        return new TokenAnswer(token, expiresIn, code, message);
    }

    public async Task<ApiAnswer> SendCustomMessageAsync(string accessToken, byte[] json, CancellationToken cancellationToken)
    {
        using var document = await PostAsync("cgi-bin/message/custom/send?access_token=" + Uri.EscapeDataString(accessToken), json, cancellationToken);
        var (code, message) = Error(document.RootElement);
        return new ApiAnswer(code, message);
    }

    /// <summary>
    /// One call of the account APIs (menus, QR codes, tags): POST when <paramref name="body"/> is given,
    /// else GET; the answer parsed. Throws <see cref="HttpRequestException"/> when no JSON answer came.
    /// </summary>
    public Task<JsonDocument> CallAsync(string path, string accessToken, byte[]? body, CancellationToken cancellationToken) =>
        SendAsync(path + "?access_token=" + Uri.EscapeDataString(accessToken), body, cancellationToken);

    private Task<JsonDocument> PostAsync(string path, byte[] body, CancellationToken cancellationToken) => SendAsync(path, body, cancellationToken);

    private async Task<JsonDocument> SendAsync(string path, byte[]? body, CancellationToken cancellationToken)
    {
        using var content = body is null ? null : new ByteArrayContent(body);
        if (content is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        var client = clients.CreateClient(HttpClientName);
        using var response = content is null ? await client.GetAsync(path, cancellationToken) : await client.PostAsync(path, content, cancellationToken);
        var bytes = await BoundedBody.ReadAsync(response.Content, MaxAnswerBytes, cancellationToken);
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
