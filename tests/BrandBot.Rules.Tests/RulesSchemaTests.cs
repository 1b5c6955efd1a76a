using System.Text.Json;
using BrandBot.Rules.Loading;

namespace BrandBot.Rules.Tests;

/// <summary>The published JSON Schema must describe exactly what the loader accepts.</summary>
public class RulesSchemaTests
{
    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", "rules.schema.json"))).RootElement;

    [Fact]
    public void Schema_NamesTheSameKeysAsTheLoader()
    {
        Assert.Equal(["default", "flowDefaults", "flows", "follow", "media", "menu", "rules"], Keys(Schema.GetProperty("properties")));
        Assert.Equal(["file", "id", "kind", "sha256"], Keys(Schema.GetProperty("properties").GetProperty("media").GetProperty("items").GetProperty("properties")));
        var defs = Schema.GetProperty("$defs");
        Assert.Equal(["escape", "fallback", "flow", "keywords", "menuKeys", "mode", "name", "priority", "replies", "tag"], Keys(defs.GetProperty("rule").GetProperty("properties")));
        Assert.Equal(["contain", "equal", "regex"], Keys(defs.GetProperty("rule").GetProperty("properties").GetProperty("keywords").GetProperty("items").GetProperty("properties")));
        Assert.Equal(["image", "music", "news", "text", "transfer", "video", "voice", "webhook"], Keys(defs.GetProperty("reply").GetProperty("properties")));
        Assert.Equal(["fallback", "mode", "replies"], Keys(defs.GetProperty("group").GetProperty("properties")));
        Assert.Equal(["timeoutMs", "url"], Keys(defs.GetProperty("reply").GetProperty("properties").GetProperty("webhook").GetProperty("properties")));
        Assert.Equal(["fallback", "flow", "mode", "qr", "replies", "tag"], Keys(defs.GetProperty("scene").GetProperty("properties")));
        Assert.Equal(["accept", "ask", "attempts", "call", "exhausted", "fallback", "invalid", "prompt", "say"], Keys(defs.GetProperty("step").GetProperty("properties")));
        Assert.Equal(["buttons", "byTag"], Keys(defs.GetProperty("menu").GetProperty("properties")));
        Assert.Equal(["article", "key", "location", "miniprogram", "name", "photo", "scan", "sub", "url"], Keys(defs.GetProperty("button").GetProperty("properties")));
        // A media reply names a mediaId or a local file (docs/rules-file.md#local-files).
        Assert.Equal(["file", "mediaId"], Keys(defs.GetProperty("media").GetProperty("properties")));
        Assert.Equal(["description", "file", "mediaId", "title"], Keys(defs.GetProperty("reply").GetProperty("properties").GetProperty("video").GetProperty("properties")));
        Assert.Equal(["file"], Keys(defs.GetProperty("localFile").GetProperty("properties")));
        Assert.Equal(["random_one", "reply_all"], defs.GetProperty("mode").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());
    }

    [Theory]
    [InlineData("sms: \"x\"")]
    [InlineData("txt: \"x\"")]
    public void LoaderRejects_ReplyKindsTheSchemaDoesNotList(string reply)
    {
        var kinds = Keys(Schema.GetProperty("$defs").GetProperty("reply").GetProperty("properties"));
        Assert.DoesNotContain(reply.Split(':')[0], kinds);
        Assert.True(RulesFile.Parse($"default:\n  replies:\n    - {reply}\n").HasErrors);
    }

    private static List<string> Keys(JsonElement properties) => [.. properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
