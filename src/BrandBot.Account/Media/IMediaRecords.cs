namespace BrandBot.Account.Media;

/// <summary>
/// What BrandBot made on WeChat's side, by key: a file's media id or URL by its content hash
/// (<see cref="MediaKind.RecordKey"/>), and a broadcast's draft. Shared by the broadcasts and the rules
/// (docs/account-as-code.md#media-files), so a file is uploaded once whoever needs it first.
/// </summary>
public interface IMediaRecords
{
    /// <summary>The recorded id or URL; null when nothing was recorded.</summary>
    Task<string?> GetMediaAsync(string account, string key, CancellationToken cancellationToken = default);

    Task SetMediaAsync(string account, string key, string value, CancellationToken cancellationToken = default);
}
