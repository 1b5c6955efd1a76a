using System.Globalization;
using BrandBot.Broadcasts.Results;
using BrandBot.Broadcasts.Sending;
using BrandBot.Broadcasts.Store;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// Broadcasts in Redis, shared by every instance and the operator verbs. A save is a script that writes
/// only while the caller's fencing number is the latest, so a sender whose lease ran out cannot
/// overwrite the one that took over (docs/broadcasts.md#one-sender).
/// </summary>
public sealed class RedisBroadcastStore(IConnectionMultiplexer redis) : IBroadcastStore
{
    // KEYS: lease, fence. ARGV: owner, hold ms. The same owner renews; a new fence either way.
    private const string AcquireScript = """
        local held = redis.call('GET', KEYS[1])
        if held and held ~= ARGV[1] then return -1 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return redis.call('INCR', KEYS[2])
        """;

    // KEYS: fence, record, active. ARGV: fence, json, id, active (1/0).
    private const string SaveScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[2], ARGV[2])
        if ARGV[4] == '1' then redis.call('SADD', KEYS[3], ARGV[3]) else redis.call('SREM', KEYS[3], ARGV[3]) end
        return 1
        """;

    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    // KEYS: finish. ARGV: msg id, json, from event (1/0). An event replaces a polled status, never the reverse.
    private const string FinishScript = """
        local known = redis.call('HGET', KEYS[1], ARGV[1])
        if known and (ARGV[3] == '0' or string.find(known, '"fromEvent":true', 1, true)) then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """;

    // KEYS: recv. ARGV: id, unix seconds, oldest kept, OpenIDs…  Appends "id@t", drops older entries and an earlier entry of the same id.
    private const string DeliveriesScript = """
        local entry = ARGV[1] .. '@' .. ARGV[2]
        local oldest = tonumber(ARGV[3])
        for i = 4, #ARGV do
          local kept = {}
          local old = redis.call('HGET', KEYS[1], ARGV[i])
          if old then
            for item in string.gmatch(old, '[^;]+') do
              local at = string.match(item, '@(%d+)$')
              local id = string.match(item, '^(.*)@')
              if at and tonumber(at) >= oldest and id ~= ARGV[1] then table.insert(kept, item) end
            end
          end
          table.insert(kept, entry)
          redis.call('HSET', KEYS[1], ARGV[i], table.concat(kept, ';'))
        end
        return 1
        """;

    private IDatabase Db => redis.GetDatabase();

    public async Task<BroadcastRecord?> GetAsync(string account, string id, CancellationToken cancellationToken = default)
    {
        var json = await Db.StringGetAsync(RedisKeys.Broadcast(account, "record:" + id));
        return json.IsNullOrEmpty ? null : BroadcastJson.ReadRecord(json!);
    }

    public async Task<IReadOnlyList<BroadcastRecord>> ListAsync(string account, CancellationToken cancellationToken = default)
    {
        var ids = await Db.SortedSetRangeByRankAsync(RedisKeys.Broadcast(account, "ids"), order: Order.Descending);
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await Db.StringGetAsync([.. ids.Select(i => RedisKeys.Broadcast(account, "record:" + i))]);
        return [.. values.Where(v => !v.IsNullOrEmpty).Select(v => BroadcastJson.ReadRecord(v!))];
    }

    public async Task<IReadOnlyList<string>> ActiveAsync(string account, CancellationToken cancellationToken = default) =>
        [.. (await Db.SetMembersAsync(RedisKeys.Broadcast(account, "active"))).Select(v => (string)v!)];

    public async Task<bool> CreateAsync(BroadcastRecord record, IReadOnlyList<string>? openIds, CancellationToken cancellationToken = default)
    {
        if (openIds is not null)
        {
            // Written first: a record never exists without its list.
            await SetListAsync(record.Account, record.Id, "audience", openIds, cancellationToken);
        }

        if (!await Db.StringSetAsync(RedisKeys.Broadcast(record.Account, "record:" + record.Id), BroadcastJson.Write(record), when: When.NotExists))
        {
            return false;
        }

        await Task.WhenAll(
            Db.SortedSetAddAsync(RedisKeys.Broadcast(record.Account, "ids"), record.Id, record.CreatedAt.ToUnixTimeMilliseconds()),
            Db.SetAddAsync(RedisKeys.Broadcast(record.Account, "active"), record.Id));
        return true;
    }

    public async Task<BroadcastLease?> AcquireAsync(string account, string id, string owner, TimeSpan hold, CancellationToken cancellationToken = default)
    {
        var fence = (long)await Db.ScriptEvaluateAsync(AcquireScript,
            [RedisKeys.Broadcast(account, "lease:" + id), RedisKeys.Broadcast(account, "fence:" + id)], [owner, (long)hold.TotalMilliseconds]);
        return fence < 0 ? null : new BroadcastLease(account, id, owner, fence);
    }

    public async Task<bool> SaveAsync(BroadcastRecord record, BroadcastLease lease, CancellationToken cancellationToken = default) =>
        (long)await Db.ScriptEvaluateAsync(SaveScript,
            [RedisKeys.Broadcast(record.Account, "fence:" + record.Id), RedisKeys.Broadcast(record.Account, "record:" + record.Id), RedisKeys.Broadcast(record.Account, "active")],
            [lease.Fence, BroadcastJson.Write(record), record.Id, BroadcastStates.IsActive(record.State) ? "1" : "0"]) == 1;

    public Task ReleaseAsync(BroadcastLease lease, CancellationToken cancellationToken = default) =>
        Db.ScriptEvaluateAsync(ReleaseScript, [RedisKeys.Broadcast(lease.Account, "lease:" + lease.Id)], [lease.Owner]);

    public async Task<IReadOnlyList<string>> GetListAsync(string account, string id, string list, CancellationToken cancellationToken = default) =>
        [.. (await Db.ListRangeAsync(RedisKeys.Broadcast(account, $"list:{id}:{list}"))).Select(v => (string)v!)];

    public async Task SetListAsync(string account, string id, string list, IReadOnlyList<string> openIds, CancellationToken cancellationToken = default)
    {
        var key = RedisKeys.Broadcast(account, $"list:{id}:{list}");
        var transaction = Db.CreateTransaction();
        _ = transaction.KeyDeleteAsync(key);
        foreach (var chunk in openIds.Chunk(1000))
        {
            _ = transaction.ListRightPushAsync(key, [.. chunk.Select(o => (RedisValue)o)]);
        }

        await transaction.ExecuteAsync();
    }

    public Task IndexJobAsync(string account, string msgId, string id, CancellationToken cancellationToken = default) =>
        Db.HashSetAsync(RedisKeys.Broadcast(account, "jobs"), msgId, id);

    public async Task<string?> BroadcastOfJobAsync(string account, string msgId, CancellationToken cancellationToken = default) =>
        await Db.HashGetAsync(RedisKeys.Broadcast(account, "jobs"), msgId) is { IsNull: false } id ? (string)id! : null;

    public async Task<bool> RecordFinishAsync(string account, JobFinish finish, CancellationToken cancellationToken = default) =>
        (long)await Db.ScriptEvaluateAsync(FinishScript, [RedisKeys.Broadcast(account, "finish")], [finish.MsgId, BroadcastJson.Write(finish), finish.FromEvent ? "1" : "0"]) == 1;

    public async Task<IReadOnlyDictionary<string, JobFinish>> FinishesAsync(string account, IEnumerable<string> msgIds, CancellationToken cancellationToken = default)
    {
        var ids = msgIds.Where(m => m.Length > 0).Distinct().ToArray();
        if (ids.Length == 0)
        {
            return new Dictionary<string, JobFinish>();
        }

        var values = await Db.HashGetAsync(RedisKeys.Broadcast(account, "finish"), [.. ids.Select(i => (RedisValue)i)]);
        return ids.Zip(values).Where(p => !p.Second.IsNull).ToDictionary(p => p.First, p => BroadcastJson.ReadFinish(p.Second!));
    }

    public async Task RecordDeliveriesAsync(string account, string id, IReadOnlyList<string> openIds, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var oldest = (at - LedgerWindow.Keep).ToUnixTimeSeconds();
        foreach (var chunk in openIds.Chunk(2000))
        {
            await Db.ScriptEvaluateAsync(DeliveriesScript, [RedisKeys.Broadcast(account, "recv")],
                [id, at.ToUnixTimeSeconds(), oldest, .. chunk.Select(o => (RedisValue)o)]);
        }
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<SentBroadcast>>> DeliveriesAsync(string account, IReadOnlyList<string> openIds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, IReadOnlyList<SentBroadcast>>(StringComparer.Ordinal);
        foreach (var chunk in openIds.Chunk(5000))
        {
            var values = await Db.HashGetAsync(RedisKeys.Broadcast(account, "recv"), [.. chunk.Select(o => (RedisValue)o)]);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (values[i].IsNull)
                {
                    continue;
                }

                found[chunk[i]] = [.. ((string)values[i]!).Split(';', StringSplitOptions.RemoveEmptyEntries)
                    .Select(item => (Id: item[..item.LastIndexOf('@')], At: DateTimeOffset.FromUnixTimeSeconds(long.Parse(item[(item.LastIndexOf('@') + 1)..], CultureInfo.InvariantCulture))))
                    .Where(e => e.At >= now - LedgerWindow.Keep).OrderBy(e => e.At).Select(e => new SentBroadcast(e.Id, e.At))];
            }
        }

        return found;
    }

    public async Task CountUnfollowAsync(string account, string id, bool within24Hours, CancellationToken cancellationToken = default)
    {
        var key = RedisKeys.Broadcast(account, "unfollows");
        await Task.WhenAll(
            Db.HashIncrementAsync(key, id + "\n7d"),
            within24Hours ? Db.HashIncrementAsync(key, id + "\n24h") : Task.CompletedTask);
    }

    public async Task<(long Day, long Week)> UnfollowsAsync(string account, string id, CancellationToken cancellationToken = default)
    {
        var values = await Db.HashGetAsync(RedisKeys.Broadcast(account, "unfollows"), [id + "\n24h", id + "\n7d"]);
        return ((long?)values[0] ?? 0, (long?)values[1] ?? 0);
    }

    public Task<bool> ClaimPreviewAsync(string account, string key, CancellationToken cancellationToken = default) =>
        Db.HashSetAsync(RedisKeys.Broadcast(account, "previews"), key, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), When.NotExists);

    public Task ReleasePreviewAsync(string account, string key, CancellationToken cancellationToken = default) =>
        Db.HashDeleteAsync(RedisKeys.Broadcast(account, "previews"), key);
}
