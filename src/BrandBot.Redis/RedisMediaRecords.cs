using BrandBot.Account.Media;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// Media records in one hash per account (<see cref="RedisKeys.Media"/>), shared by the servers, the
/// broadcast verbs and <c>account apply</c> (docs/account-as-code.md#media-files).
/// </summary>
public sealed class RedisMediaRecords(IConnectionMultiplexer redis) : IMediaRecords
{
    private IDatabase Db => redis.GetDatabase();

    public async Task<string?> GetMediaAsync(string account, string key, CancellationToken cancellationToken = default) =>
        await Db.HashGetAsync(RedisKeys.Media(account), key) is { IsNull: false } value ? (string)value! : null;

    public Task SetMediaAsync(string account, string key, string value, CancellationToken cancellationToken = default) =>
        Db.HashSetAsync(RedisKeys.Media(account), key, value);
}
