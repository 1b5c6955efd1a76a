using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using BrandBot.Rules.Store;

namespace BrandBot.Redis;

/// <summary>The JSON shapes stored in Redis, source-generated (no reflection on any path).</summary>
internal sealed record StoredSnapshot(string Yaml, string Hash, DateTimeOffset At, string? By, string? Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredSnapshot))]
[JsonSerializable(typeof(AuditRecord))]
internal sealed partial class RedisJsonContext : JsonSerializerContext
{
    /// <summary>Raw UTF-8 for Chinese rule names and texts, so redis-cli shows them readably.</summary>
    public static RedisJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
