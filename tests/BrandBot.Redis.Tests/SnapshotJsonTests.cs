using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BrandBot.Redis;

namespace BrandBot.Redis.Tests;

/// <summary>The hand-written snapshot JSON reads what System.Text.Json wrote before it, and System.Text.Json reads what it writes.</summary>
public class SnapshotJsonTests
{
    private static readonly JsonSerializerOptions Stj = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static TheoryData<string> Texts => new()
    {
        "rules:\n  - { name: a, keywords: [ equal: \"hi\" ], replies: [ text: \"say \\\"hi\\\"\" ] }\n",
        "tabs\tand\r\nwindows lines, a backslash \\ and a slash /",
        "营业时间 9:00-21:00 😀 and a control \u0001 char",
        "",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void RoundTrips_AndAgreesWithSystemTextJson(string yaml)
    {
        var snapshot = new StoredSnapshot(yaml, "abc123", new DateTimeOffset(2026, 12, 1, 23, 45, 44, 123, TimeSpan.Zero), "ops@brand", null);

        var written = SnapshotJson.Write(snapshot);
        Assert.Equal(snapshot, SnapshotJson.Read(written));
        Assert.Equal(snapshot, JsonSerializer.Deserialize<StoredSnapshot>(written, Stj));
        // What earlier versions stored (System.Text.Json) reads back the same.
        Assert.Equal(snapshot, SnapshotJson.Read(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(snapshot, Stj))));
    }

    [Fact]
    public void MessageAndBy_AreOptional_AndUnknownFieldsSkipped()
    {
        var read = SnapshotJson.Read("""{"yaml":"x","hash":"h","at":"2026-12-01T00:00:00+00:00","extra":[1,{"a":2}],"message":"why"}"""u8);
        Assert.Equal(("x", "h", null, "why"), (read.Yaml, read.Hash, read.By, read.Message));
    }

    [Fact]
    public void NotASnapshot_IsAJsonException() => Assert.ThrowsAny<JsonException>(() => SnapshotJson.Read("""{"hash":"h"}"""u8));
}
