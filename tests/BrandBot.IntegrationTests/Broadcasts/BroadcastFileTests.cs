using System.Text.Json;
using BrandBot.Broadcasts.Files;
using BrandBot.Broadcasts.Planning;
using BrandBot.Broadcasts.Sending;
using BrandBot.Options;
using BrandBot.Testing;

namespace BrandBot.IntegrationTests.Broadcasts;

/// <summary>The broadcast file's checks, its schema, the derived key and the batch split (docs/broadcasts.md).</summary>
public sealed class BroadcastFileTests
{
    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Broadcasts", "broadcast.schema.json"))).RootElement;

    [Fact]
    public void Schema_NamesTheSameKeysAsTheReader()
    {
        Assert.Equal(["at", "audience", "caps", "content", "id", "preview", "sendIgnoreReprint"], Keys(Schema.GetProperty("properties")));
        Assert.Equal(["all", "openids", "scene", "tag"], Keys(Schema.GetProperty("properties").GetProperty("audience").GetProperty("properties")));
        Assert.Equal(["articles", "image", "text"], Keys(Schema.GetProperty("properties").GetProperty("content").GetProperty("properties")));
        Assert.Equal(["author", "body", "cover", "digest", "sourceUrl", "title"], Keys(Schema.GetProperty("$defs").GetProperty("article").GetProperty("properties")));
        var folder = Folder();
        Assert.True(BroadcastFileReader.Parse("id: a\naudience: { all: true }\ncontent: { text: x }\nschedule: now\n", folder).HasErrors);
    }

    [Theory]
    [InlineData("id: 'has space'\naudience: { all: true }\ncontent: { text: x }\n", 1, "id must be")]
    [InlineData("id: a\naudience: { all: true, tag: vip }\ncontent: { text: x }\n", 2, "exactly one of all, tag")]
    [InlineData("id: a\naudience: { openids: [oOnlyOneFollower01] }\ncontent: { text: x }\n", 2, "at least 2 OpenIDs")]
    [InlineData("id: a\naudience: { all: true }\ncontent:\n  text: x\n  image: p.png\n", 4, "exactly one of text, image, articles")]
    [InlineData("id: a\naudience: { all: true }\ncontent: { image: missing.png }\n", 3, "does not exist")]
    [InlineData("id: a\nat: tomorrow\naudience: { all: true }\ncontent: { text: x }\n", 2, "with its offset")]
    [InlineData("id: a\naudience: { all: true }\n", 1, "'content' is required")]
    [InlineData("id: a\naudience: { all: true }\ncontent: { text: x }\ncaps: { perFollowerPer30Days: 0 }\n", 4, "from 1 to 30")]
    [InlineData("id: a\naudience: { all: true }\ncontent: { text: ~ }\n", 3, "content.text must not be empty")]
    [InlineData("id: a\naudience: { all: true }\ncontent: { text: x }\nid: b\n", 4, "duplicate key 'id'")]
    [InlineData("id: a\naudience: { all: true }\ncontent: { text: x }\n---\nid: b\n", 5, "one mapping")]
    public void BadFiles_AreRefusedWithTheirLine(string yaml, int line, string message)
    {
        var result = BroadcastFileReader.Parse(yaml, Folder());
        Assert.True(result.HasErrors);
        Assert.Contains(result.Problems, p => p.Line == line && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Body_WithARemoteImage_IsRefused_AndLocalImagesAreChecked()
    {
        var folder = Folder();
        File.WriteAllBytes(Path.Combine(folder, "cover.jpg"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(folder, "body.md"), "![x](https://example.com/x.png)\n![y](y.gif)\n");
        var result = BroadcastFileReader.Parse("id: a\naudience: { all: true }\ncontent:\n  articles:\n    - { title: T, cover: cover.jpg, body: body.md }\n", folder);
        Assert.Contains(result.Problems, p => p.Line == 5 && p.Message.Contains("remote image https://example.com/x.png", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Line == 5 && p.Message.Contains("y.gif, which does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void ClientMsgId_IsDerived_AndFitsWeChatsLimit()
    {
        var longest = new string('x', BroadcastLimits.MaxIdLength);
        Assert.Equal("bb:spring:2:0123abcd", ClientMsgId.For("spring", 2, "0123abcdef"));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(ClientMsgId.For(longest, 999, "0123abcdef")) <= 64);
    }

    [Theory]
    [InlineData(2, new[] { 2 })]
    [InlineData(10_000, new[] { 10_000 })]
    [InlineData(10_001, new[] { 5000, 5001 })]
    [InlineData(25_000, new[] { 8333, 8333, 8334 })]
    public void Batches_AreEvenAndAtMostTenThousand(int count, int[] sizes) =>
        Assert.Equal(sizes, Exclusions.Batches(count).Select(b => b.Length));

    [Fact]
    public void AccountKind_IsCheckedAtStartUp()
    {
        var options = new BrandBotOptions { Accounts = [new AccountOptions { Name = "acme", Token = "t", Kind = "channel" }] };
        Assert.Contains("BrandBot:Accounts:0:Kind must be service or subscription (got 'channel')", BrandBotOptionsValidator.Problems(options));
        options.Broadcasts.StuckAfterHours = 30;
        Assert.Contains(BrandBotOptionsValidator.Problems(options), p => p.StartsWith("BrandBot:Broadcasts:StuckAfterHours", StringComparison.Ordinal));
        options.Broadcasts.RetryAfterTooFastSeconds = 30;
        Assert.Contains("BrandBot:Broadcasts:RetryAfterTooFastSeconds must be between 60 and 3600: 45066 asks for a minute between two attempts (got 30)", BrandBotOptionsValidator.Problems(options));
    }

    private static string Folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static List<string> Keys(JsonElement properties) => [.. properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
