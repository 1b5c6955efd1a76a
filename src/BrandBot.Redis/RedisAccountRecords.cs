using System.Text.Json;
using BrandBot.Account.Planning;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>Minted codes, the apply audit and the apply lock of each account, in Redis beside its rules.</summary>
public sealed class RedisAccountRecords(IConnectionMultiplexer redis) : IAccountRecords
{
    private static readonly TimeSpan LockHold = TimeSpan.FromMinutes(2);

    // Deletes the lock only if this owner still holds it.
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    public async Task<IReadOnlyDictionary<string, MintedCode>> GetCodesAsync(string account, CancellationToken cancellationToken = default)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(RedisKeys.AccountCodes(account));
        return entries.ToDictionary(
            e => (string)e.Name!,
            e => JsonSerializer.Deserialize((string)e.Value!, RedisJsonContext.Relaxed.MintedCode)!,
            StringComparer.Ordinal);
    }

    public Task SaveCodeAsync(string account, MintedCode code, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().HashSetAsync(RedisKeys.AccountCodes(account), code.Scene, JsonSerializer.Serialize(code, RedisJsonContext.Relaxed.MintedCode));

    public Task AppendAuditAsync(string account, AccountAuditRecord record, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().ListRightPushAsync(RedisKeys.AccountAudit(account), JsonSerializer.Serialize(record, RedisJsonContext.Relaxed.AccountAuditRecord));

    public async Task<IReadOnlyList<AccountAuditRecord>> GetAuditAsync(string account, CancellationToken cancellationToken = default)
    {
        var items = await redis.GetDatabase().ListRangeAsync(RedisKeys.AccountAudit(account));
        return [.. items.Select(i => JsonSerializer.Deserialize((string)i!, RedisJsonContext.Relaxed.AccountAuditRecord)!)];
    }

    public async Task<IAsyncDisposable?> LockAsync(string account, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        var owner = Guid.NewGuid().ToString("n");
        var until = DateTime.UtcNow + wait;
        while (!await db.StringSetAsync(RedisKeys.AccountLock(account), owner, LockHold, When.NotExists))
        {
            if (DateTime.UtcNow >= until)
            {
                return null;
            }

            await Task.Delay(100, cancellationToken);
        }

        return new Held(db, RedisKeys.AccountLock(account), owner);
    }

    private sealed class Held(IDatabase db, RedisKey key, string owner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await db.ScriptEvaluateAsync(ReleaseScript, [key], [owner]);
    }
}
