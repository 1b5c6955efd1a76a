using System.Globalization;
using BrandBot.Rules.Store;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>Each instance's live version in one hash per account; entries older than a day are pruned when read.</summary>
public sealed class RedisInstanceVersions(IConnectionMultiplexer redis, TimeProvider time) : IInstanceVersions
{
    public async Task ReportAsync(string account, string instance, long version, CancellationToken cancellationToken = default)
    {
        var value = $"{version}\n{time.GetUtcNow().ToUnixTimeSeconds()}";
        await redis.GetDatabase().HashSetAsync(RedisKeys.Instances(account), instance, value);
    }

    public Task RemoveAsync(string account, string instance, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().HashDeleteAsync(RedisKeys.Instances(account), instance);

    public async Task<IReadOnlyList<InstanceVersion>> ReadAsync(string account, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        var entries = await db.HashGetAllAsync(RedisKeys.Instances(account));
        var live = new List<InstanceVersion>();
        foreach (var entry in entries)
        {
            var parts = ((string)entry.Value!).Split('\n');
            if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var version) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var at))
            {
                continue;
            }

            var seen = DateTimeOffset.FromUnixTimeSeconds(at);
            if (now - seen <= IInstanceVersions.Stale)
            {
                live.Add(new InstanceVersion(entry.Name!, version, seen));
            }
            else if (now - seen > TimeSpan.FromDays(1))
            {
                // An instance gone for a day is not coming back under that name (pod names change).
                _ = db.HashDeleteAsync(RedisKeys.Instances(account), entry.Name, CommandFlags.FireAndForget);
            }
        }

        return [.. live.OrderBy(v => v.Instance, StringComparer.Ordinal)];
    }
}
