using System.Globalization;
using BrandBot.WeChatApi.Tokens;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>The access token shared by every instance, and the lock that makes one of them the refresher.</summary>
public sealed class RedisTokenStore(IConnectionMultiplexer redis) : ITokenStore
{
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
    private const string DiscardScript = "if redis.call('HGET', KEYS[1], 'value') == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<StoredToken?> ReadAsync(string account)
    {
        var fields = (await Db.HashGetAllAsync(RedisKeys.Token(account))).ToDictionary(f => (string)f.Name!, f => (string?)f.Value);
        return fields.TryGetValue("value", out var value) && value is not null
            && long.TryParse(fields.GetValueOrDefault("expires"), CultureInfo.InvariantCulture, out var expires)
            && long.TryParse(fields.GetValueOrDefault("fetched"), CultureInfo.InvariantCulture, out var fetched)
            ? new StoredToken(value, DateTimeOffset.FromUnixTimeMilliseconds(expires), DateTimeOffset.FromUnixTimeMilliseconds(fetched))
            : null;
    }

    public async ValueTask WriteAsync(string account, StoredToken token)
    {
        var key = RedisKeys.Token(account);
        var batch = Db.CreateTransaction();
        _ = batch.KeyDeleteAsync(key);
        _ = batch.HashSetAsync(key,
        [
            new("value", token.Value),
            new("expires", token.ExpiresAt.ToUnixTimeMilliseconds()),
            new("fetched", token.FetchedAt.ToUnixTimeMilliseconds()),
        ]);
        _ = batch.KeyExpireAsync(key, token.ExpiresAt.UtcDateTime);
        await batch.ExecuteAsync();
    }

    public async ValueTask<bool> TryLockAsync(string account, string owner, TimeSpan hold) =>
        await Db.StringSetAsync(RedisKeys.TokenLock(account), owner, hold, When.NotExists);

    public async ValueTask ReleaseAsync(string account, string owner) =>
        await Db.ScriptEvaluateAsync(ReleaseScript, [RedisKeys.TokenLock(account)], [owner]);

    public async ValueTask DiscardAsync(string account, string value) =>
        await Db.ScriptEvaluateAsync(DiscardScript, [RedisKeys.Token(account)], [value]);
}
