using System.Text.Json;
using BrandBot.Rules.Store;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>Operator audit entries in one Redis list, so every instance's dashboard shows every instance's sign-ins.</summary>
public sealed class RedisOperatorAudit(IConnectionMultiplexer redis) : IOperatorAudit
{
    public const int Capacity = 10_000;

    public async Task AddAsync(OperatorAuditEntry entry)
    {
        var json = JsonSerializer.Serialize(entry, RedisJsonContext.Relaxed.OperatorAuditEntry);
        var db = redis.GetDatabase();
        var push = db.ListLeftPushAsync(RedisKeys.OperatorAudit, json);
        var trim = db.ListTrimAsync(RedisKeys.OperatorAudit, 0, Capacity - 1);
        await Task.WhenAll(push, trim);
    }

    public async Task<IReadOnlyList<OperatorAuditEntry>> ReadAsync(int count, CancellationToken cancellationToken = default)
    {
        var values = await redis.GetDatabase().ListRangeAsync(RedisKeys.OperatorAudit, 0, count - 1);
        return [.. values.Select(v => JsonSerializer.Deserialize((string)v!, RedisJsonContext.Relaxed.OperatorAuditEntry)).OfType<OperatorAuditEntry>()];
    }
}
