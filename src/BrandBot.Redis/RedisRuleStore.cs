using System.Text.Json;
using BrandBot.Rules.Store;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// Rule versions in Redis. A commit is one Lua script — check the expected version, store the snapshot,
/// append the audit record, move the <c>current</c> pointer last, announce on pub/sub — so readers see
/// the old version or the new one, never a mix, and an interrupted commit leaves the old one live.
/// </summary>
public sealed class RedisRuleStore : IRuleStore
{
    // KEYS: versions, current, audit.
    // ARGV: expected version, snapshot JSON, audit JSON (without version), channel, account, content hash.
    // The current pointer holds "version:hash" (a RuleStamp) so pollers see content changes in one GET.
    private const string CommitScript = """
        local current = tonumber(string.match(redis.call('GET', KEYS[2]) or '0', '^%d+')) or 0
        if current ~= tonumber(ARGV[1]) then return 0 end
        local v = current + 1
        redis.call('HSET', KEYS[1], tostring(v), ARGV[2])
        redis.call('RPUSH', KEYS[3], '{"version":' .. v .. ',' .. string.sub(ARGV[3], 2))
        redis.call('SET', KEYS[2], v .. ':' .. ARGV[6])
        redis.call('PUBLISH', ARGV[4], ARGV[5] .. '\n' .. v)
        return v
        """;

    private readonly IConnectionMultiplexer _redis;

    public RedisRuleStore(IConnectionMultiplexer redis)
    {
        _redis = redis;
    }

    public event Action<string>? Changed;

    public bool IsShared => true;

    private IDatabase Db => _redis.GetDatabase();

    /// <summary>
    /// Listens for publishes from any instance. The multiplexer restores the subscription after a
    /// reconnect; notifications missed meanwhile are caught up by version polling.
    /// </summary>
    public Task StartListeningAsync() =>
        _redis.GetSubscriber().SubscribeAsync(RedisKeys.RulesChanged, (_, message) =>
        {
            var text = (string?)message ?? "";
            var newline = text.IndexOf('\n');
            Changed?.Invoke(newline > 0 ? text[..newline] : text);
        });

    public async Task<RuleStamp> GetCurrentStampAsync(string account, CancellationToken cancellationToken = default) =>
        RuleStamp.Parse(await Db.StringGetAsync(RedisKeys.RulesCurrent(account)));

    public async Task<RuleSnapshot?> GetCurrentAsync(string account, CancellationToken cancellationToken = default)
    {
        var version = (await GetCurrentStampAsync(account, cancellationToken)).Version;
        return version == 0 ? null : await GetVersionAsync(account, version, cancellationToken);
    }

    public async Task<RuleSnapshot?> GetVersionAsync(string account, long version, CancellationToken cancellationToken = default)
    {
        var json = await Db.HashGetAsync(RedisKeys.RulesVersions(account), version);
        if (json.IsNullOrEmpty)
        {
            return null;
        }

        var stored = SnapshotJson.Read((byte[])json!);
        return new RuleSnapshot(account, version, stored.Yaml, stored.Hash, stored.At, stored.By, stored.Message);
    }

    public async Task<IReadOnlyList<AuditRecord>> GetHistoryAsync(string account, CancellationToken cancellationToken = default)
    {
        var entries = await Db.ListRangeAsync(RedisKeys.RulesAudit(account));
        return [.. entries.Select(e => JsonSerializer.Deserialize((string)e!, RedisJsonContext.Relaxed.AuditRecord)!)];
    }

    public async Task<RuleSnapshot?> CommitAsync(string account, string yaml, AuditRecord audit, long expectedCurrentVersion, CancellationToken cancellationToken = default)
    {
        var snapshotJson = SnapshotJson.Write(new StoredSnapshot(yaml, audit.ContentHash, audit.At, audit.By, audit.Message));
        var auditJson = JsonSerializer.Serialize(StoredAudit.From(audit), RedisJsonContext.Relaxed.StoredAudit);
        var result = (long)await Db.ScriptEvaluateAsync(
            CommitScript,
            [RedisKeys.RulesVersions(account), RedisKeys.RulesCurrent(account), RedisKeys.RulesAudit(account)],
            [expectedCurrentVersion, snapshotJson, auditJson, RedisKeys.RulesChanged.ToString(), account, audit.ContentHash]);
        return result == 0 ? null : new RuleSnapshot(account, result, yaml, audit.ContentHash, audit.At, audit.By, audit.Message);
    }
}
