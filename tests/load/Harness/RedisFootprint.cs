using System.Globalization;
using StackExchange.Redis;

namespace BrandBot.Load;

/// <summary>What remembering pushes costs Redis: INFO memory before and after deleting them, over how many there were.</summary>
internal sealed record Footprint(long Records, long Buckets, double BytesPerRecord, long Windows, double BytesPerWindow)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"Redis memory per remembered push: {BytesPerRecord:F1} B ({Records:N0} records in {Buckets:N0} keys); per follower rate window: {BytesPerWindow:F0} B ({Windows:N0} windows)");
}

internal static class RedisFootprint
{
    public static async Task<Footprint> PerRememberedPushAsync(int port)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var db = redis.GetDatabase();

        long records = 0;
        var pushKeys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "brandbot:*:push:*", pageSize: 1000))
        {
            pushKeys.Add(key);
            records += await db.KeyTypeAsync(key) == RedisType.Hash ? await db.HashLengthAsync(key) : 1;
        }

        var windows = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "brandbot:*:rate:f:*", pageSize: 1000))
        {
            windows.Add(key);
        }

        var all = await UsedMemoryAsync(server);
        await DeleteAsync(db, pushKeys);
        var withoutPushes = await UsedMemoryAsync(server);
        await DeleteAsync(db, windows);
        var withoutWindows = await UsedMemoryAsync(server);
        return new Footprint(
            records, pushKeys.Count, records == 0 ? 0 : (double)(all - withoutPushes) / records,
            windows.Count, windows.Count == 0 ? 0 : (double)(withoutPushes - withoutWindows) / windows.Count);
    }

    private static async Task<long> UsedMemoryAsync(IServer server)
    {
        var info = await server.InfoAsync("memory");
        return long.Parse(info.SelectMany(g => g).First(e => e.Key == "used_memory").Value, CultureInfo.InvariantCulture);
    }

    private static async Task DeleteAsync(IDatabase db, List<RedisKey> keys)
    {
        foreach (var chunk in keys.Chunk(1000))
        {
            await db.KeyDeleteAsync(chunk);
        }
    }
}
