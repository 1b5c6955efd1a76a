using System.Security.Cryptography;
using System.Text.Json;

namespace BrandBot.Account.Media;

/// <summary>Makes one upload call with the account's token; throws <see cref="WeChatApiException"/> on a non-zero errcode.</summary>
public interface IMediaUploadApi
{
    string Account { get; }

    /// <param name="description">material/add_material's <c>description</c> form field, which a video needs; null for other kinds.</param>
    Task<JsonElement> UploadAsync(string path, string fileName, byte[] bytes, string? description, CancellationToken cancellationToken);
}

/// <summary>
/// Uploads a file once per content hash and kind: the id WeChat answers is recorded before the file is
/// reported uploaded, so a re-run finds it and uploads nothing, and a changed file (another hash)
/// uploads again (docs/account-as-code.md#media-files).
/// </summary>
public sealed class MediaUploader(IMediaRecords records)
{
    public static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The recorded id (a URL for <see cref="MediaKind.ArticleImage"/>) of these bytes, or null.</summary>
    public Task<string?> KnownAsync(string account, MediaKind kind, string contentHash, CancellationToken cancellationToken) =>
        records.GetMediaAsync(account, kind.RecordKey(contentHash), cancellationToken);

    /// <summary>The file's id, uploading it only when these bytes never were; <c>Uploaded</c> says whether a call was made.</summary>
    public async Task<(string Id, bool Uploaded)> UploadOnceAsync(IMediaUploadApi api, MediaKind kind, string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        var key = kind.RecordKey(HashOf(bytes));
        if (await records.GetMediaAsync(api.Account, key, cancellationToken) is { } known)
        {
            return (known, false);
        }

        var answer = await api.UploadAsync(kind.ApiPath, Path.GetFileName(path), bytes, kind == MediaKind.Video ? VideoDescription(path) : null, cancellationToken);
        var id = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(kind.AnswerField, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
        if (string.IsNullOrEmpty(id))
        {
            throw new WeChatApiException(kind.ApiPath, -1, $"the answer carries no {kind.AnswerField}");
        }

        await records.SetMediaAsync(api.Account, key, id, cancellationToken);
        return (id, true);
    }

    /// <summary>A permanent video needs a title and an introduction; the file's name is the title the console would show.</summary>
    private static string VideoDescription(string path) =>
        System.Text.Encoding.UTF8.GetString(new WeChatApi.RawJsonWriter().BeginObject().String("title", Path.GetFileNameWithoutExtension(path)).String("introduction", "").EndObject().ToUtf8());
}
