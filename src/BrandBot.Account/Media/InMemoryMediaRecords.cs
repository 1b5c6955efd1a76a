using System.Collections.Concurrent;

namespace BrandBot.Account.Media;

/// <summary>The embedded store's media records: kept in this process only.</summary>
public sealed class InMemoryMediaRecords : IMediaRecords
{
    private readonly ConcurrentDictionary<(string Account, string Key), string> _media = new();

    public Task<string?> GetMediaAsync(string account, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_media.TryGetValue((account, key), out var value) ? value : null);

    public Task SetMediaAsync(string account, string key, string value, CancellationToken cancellationToken = default)
    {
        _media[(account, key)] = value;
        return Task.CompletedTask;
    }
}
