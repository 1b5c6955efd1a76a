using System.Text.Json;
using System.Text.Json.Serialization;
using BrandBot.Broadcasts.Results;
using BrandBot.Broadcasts.Sending;

namespace BrandBot.Broadcasts.Store;

/// <summary>Source-generated JSON for what the stores keep, camelCase, Chinese kept readable.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BroadcastRecord))]
[JsonSerializable(typeof(JobFinish))]
public sealed partial class BroadcastJson : JsonSerializerContext
{
    public static BroadcastJson Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Write(BroadcastRecord record) => JsonSerializer.Serialize(record, Relaxed.BroadcastRecord);

    public static BroadcastRecord ReadRecord(string json) => JsonSerializer.Deserialize(json, Relaxed.BroadcastRecord)!;

    public static string Write(JobFinish finish) => JsonSerializer.Serialize(finish, Relaxed.JobFinish);

    public static JobFinish ReadFinish(string json) => JsonSerializer.Deserialize(json, Relaxed.JobFinish)!;
}
