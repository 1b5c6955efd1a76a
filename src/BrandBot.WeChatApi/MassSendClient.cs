using System.Net.Http.Headers;
using System.Text.Json;

namespace BrandBot.WeChatApi;

/// <summary>
/// The calls broadcasts make (docs/broadcasts.md#wechats-calls): JSON posts whose answers may be large
/// (a follower page holds 10,000 OpenIDs) and multipart uploads of material. Like
/// <see cref="WeChatApiClient"/> it never retries: whether a call may be repeated is the caller's to
/// decide, and a mass send may only be repeated with its clientmsgid.
/// </summary>
public sealed class MassSendClient(IHttpClientFactory clients)
{
    /// <summary>user/get and user/tag/get answer up to 10,000 OpenIDs (about 350 KB).</summary>
    private const int MaxAnswerBytes = 2 * 1024 * 1024;

    /// <summary>POST <paramref name="body"/> (GET when null) to <paramref name="path"/>; the answer parsed.</summary>
    /// <exception cref="HttpRequestException">No JSON answer came (HTTP error, not JSON, connection lost).</exception>
    public async Task<JsonDocument> CallAsync(string path, string accessToken, byte[]? body, CancellationToken cancellationToken)
    {
        using var content = body is null ? null : new ByteArrayContent(body);
        if (content is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        var client = clients.CreateClient(WeChatApiClient.HttpClientName);
        var url = Url(path, accessToken);
        using var response = content is null ? await client.GetAsync(url, cancellationToken) : await client.PostAsync(url, content, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>A multipart upload with the file in the form field <c>media</c>, as material/add_material and media/uploadimg take it.</summary>
    public async Task<JsonDocument> UploadAsync(string path, string accessToken, string fileName, byte[] bytes, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(MediaTypeOf(fileName));
        form.Add(file, "media", fileName);
        var client = clients.CreateClient(WeChatApiClient.HttpClientName);
        using var response = await client.PostAsync(Url(path, accessToken), form, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    private static string Url(string path, string accessToken) =>
        path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "access_token=" + Uri.EscapeDataString(accessToken);

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
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

    private static string MediaTypeOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".bmp" => "image/bmp",
        ".jpg" or ".jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };
}
