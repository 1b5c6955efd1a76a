using System.Globalization;
using BrandBot.Protocol.Simulation;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Webhook;

/// <summary>
/// A push captured on its way (plain HTTP) and sent again byte for byte — same timestamp, nonce,
/// signatures and body — is never processed twice while its signature is inside the replay window.
/// </summary>
public sealed class ReplayTests : IAsyncLifetime
{
    private FakeBackend _backend = null!;
    private RedisServer _redis = null!;

    public async Task InitializeAsync()
    {
        _backend = await FakeBackend.StartAsync();
        _redis = await RedisServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task SameRequest66sLater_PastDedupSeconds_GetsTheFirstAnswer_AndNothingRunsTwice()
    {
        _backend.Behaviour = _ => (TimeSpan.Zero, 200, """{"text": "order 42 ships today"}""");
        await using var server = await TestServer.StartAsync(Settings());
        var order = Wire.Text("my order 42");
        var hours = Wire.Text("hours");

        var firstOrder = await Wire.PushAsync(server.Client, order, PushMode.Safe);
        var firstHours = await Wire.PushAsync(server.Client, hours, PushMode.Safe);
        Assert.Contains("order 42 ships today", firstOrder.Reply()["Content"]);

        // Past DedupSeconds (60), still inside ReplayWindowSeconds (600): the measured replay.
        server.Time.Advance(TimeSpan.FromSeconds(66));
        var replayedOrder = await Wire.PushAsync(server.Client, order, PushMode.Safe);
        var replayedHours = await Wire.PushAsync(server.Client, hours, PushMode.Safe);

        Assert.Equal(firstOrder.Reply()["Content"], replayedOrder.Reply()["Content"]);
        Assert.Equal(firstHours.Reply()["Content"], replayedHours.Reply()["Content"]);
        Assert.Equal(1, _backend.Calls);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Equal(1, TestHelpers.MetricSum(metrics, "brandbot_rule_hits_total", "hours"));
        Assert.Equal(1, TestHelpers.MetricSum(metrics, "brandbot_rule_hits_total", "order"));
        Assert.Equal(2, TestHelpers.MetricSum(metrics, "brandbot_dedup_hits_total", "replayed"));

        // Once the signature is outside the window the request is refused outright.
        server.Time.Advance(TimeSpan.FromSeconds(600));
        Assert.Equal(403, (await Wire.PushAsync(server.Client, order, PushMode.Safe)).Status);
        Assert.Equal(1, _backend.Calls);
    }

    [Theory]
    [InlineData(600, 590_000, 602_000)]
    [InlineData(0, 50_000, 60_000)]
    public async Task OnRedis_ThePushRecordLivesAsLongAsItsSignatureIsAccepted(int window, long atLeastMs, long atMostMs)
    {
        var settings = Settings();
        settings["BrandBot:Redis"] = _redis.Configuration;
        settings["BrandBot:ReplayWindowSeconds"] = window.ToString(CultureInfo.InvariantCulture);
        await using var server = await TestServer.StartAsync(settings);
        var msgId = Wire.Unique();
        Assert.Equal(200, (await Wire.PushAsync(server.Client, Wire.Text("hours", msgId), PushMode.Safe)).Status);

        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var ttl = await TestHelpers.EventuallyValueAsync(async () =>
        {
            var server0 = connection.GetServer(connection.GetEndPoints()[0]);
            await foreach (var key in server0.KeysAsync(pattern: "brandbot:{acme}:push:*"))
            {
                return await connection.GetDatabase().KeyTimeToLiveAsync(key);
            }

            return null;
        }, TimeSpan.FromSeconds(5));
        Assert.InRange((long)ttl.TotalMilliseconds, atLeastMs, atMostMs);
    }

    [Fact]
    public async Task RandomOne_TheSamePushGetsTheSameReplyOnInstancesThatShareNothing()
    {
        var rules = TestAccounts.WriteRules("rules:\n  - name: hi\n    mode: random_one\n    keywords: [ equal: \"hi\" ]\n    replies: [ text: \"one\", text: \"two\" ]\n");
        // Two embedded stores: neither can see what the other answered.
        await using var a = await TestServer.StartAsync(TestAccounts.Settings(rules));
        await using var b = await TestServer.StartAsync(TestAccounts.Settings(rules));
        var seen = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var push = Wire.Text("hi");
            var fromA = (await Wire.PushAsync(a.Client, push, PushMode.Safe)).Reply()["Content"]!;
            Assert.Equal(fromA, (await Wire.PushAsync(b.Client, push, PushMode.Safe)).Reply()["Content"]);
            seen.Add(fromA);
        }

        // Still a choice between the replies, spread over pushes.
        Assert.Equal(["one", "two"], seen.Order());
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(DeliveryTests.Rules(_backend.BaseUrl + "/hook")));
        settings["BrandBot:DedupSeconds"] = "60";
        settings["BrandBot:ReplayWindowSeconds"] = "600";
        return settings;
    }
}
