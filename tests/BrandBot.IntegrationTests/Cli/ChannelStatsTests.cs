using System.Text.Json;
using BrandBot.Commands;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Stats;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Cli;

/// <summary>
/// Statistics per channel and per menu key (docs/account-as-code.md): scans, follows, unfollows of the followers a
/// scene brought, how many of a day's followers left within 1/7/30 days, menu taps — counted by a real
/// server on the embedded store and on Redis, and printed by <c>rules stats</c>.
/// </summary>
public sealed class ChannelStatsTests : IAsyncLifetime
{
    private const string Rules = """
        follow:
          replies: [ text: "welcome" ]
          scenes:
            poster-2026:
              replies: [ text: "poster thanks" ]
        rules:
          - { name: stores, menuKeys: [ STORES ], replies: [ text: "stores" ] }
        """;

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ScansFollowsUnfollowsAndLeavers_AreCountedPerScene_AndTapsPerMenuKey(bool redis)
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(Rules));
        if (redis)
        {
            settings["BrandBot:Redis"] = _redis.Configuration;
        }

        await using var server = await TestServer.StartAsync(settings);
        var stats = (IHitStats)server.Services.GetService(typeof(IHitStats))!;
        var followDay = StatsDay.Of(server.Time.GetUtcNow(), TimeSpan.FromHours(8));
        await Push(server, "oAlice", "subscribe", "qrscene_poster-2026");
        await Push(server, "oBob", "subscribe", "qrscene_poster-2026");
        await Push(server, "oCarol", "subscribe");
        await Push(server, "oDan", "SCAN", "poster-2026");
        await Push(server, "oDan", "CLICK", "STORES");
        await Push(server, "oDan", "VIEW", "https://brand.example/");
        await Eventually(stats, followDay, d => d.MenuClicks.Count == 2);

        server.Time.Advance(TimeSpan.FromDays(2));
        var leaveDay = StatsDay.Of(server.Time.GetUtcNow(), TimeSpan.FromHours(8));
        await Push(server, "oAlice", "unsubscribe");
        await Push(server, "oCarol", "unsubscribe");
        var left = await Eventually(stats, leaveDay, d => d.Unfollows == 2 && d.SceneUnfollows.Count == 1);

        var followed = await stats.ReadAsync("acme", followDay);
        Assert.Equal(2, followed.SceneFollows["poster-2026"]);
        Assert.Equal(1, followed.Scans["poster-2026"]);
        Assert.Equal(1, followed.MenuClicks["STORES"]);
        Assert.Equal(1, followed.MenuClicks["https://brand.example/"]);
        // Alice left after two days: within 7 and 30 days, not within 1. Carol came without a code.
        Assert.Equal(1, left.SceneUnfollows["poster-2026"]);
        Assert.Equal(
            [new("poster-2026\n30", 1), new("poster-2026\n7", 1)],
            followed.SceneLeft.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task RulesStats_ComputesNetAndRetention_FromTheDaysOldEnough()
    {
        var today = StatsDay.Of(DateTimeOffset.UtcNow, TimeSpan.FromHours(8));
        string Day(int ago) => StatsDay.Key(today.AddDays(-ago));
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration))
        {
            var db = connection.GetDatabase();
            // Ten days ago the poster brought 4 followers: 1 left within a day, 2 within a week.
            await db.HashSetAsync($"brandbot:{{acme}}:stats:{Day(10)}:scenes", "poster", 4);
            await db.HashSetAsync($"brandbot:{{acme}}:stats:{Day(10)}:left", [new("poster\n1", 1), new("poster\n7", 2), new("poster\n30", 2)]);
            await db.HashSetAsync($"brandbot:{{acme}}:stats:{Day(3)}:scene-unfollows", "poster", 2);
            // Today it brought 2 more (too young for any retention figure) and was scanned 5 times by followers:
            // 11 scans in the window with the 6 follows.
            await db.HashSetAsync($"brandbot:{{acme}}:stats:{Day(0)}:scenes", "poster", 2);
            await db.HashSetAsync($"brandbot:{{acme}}:stats:{Day(0)}:scans", "poster", 5);
            await db.HashSetAsync($"brandbot:{{acme}}:stats:{Day(0)}:menu", "STORES", 3);
        }

        var settings = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new { BrandBot = new { Redis = _redis.Configuration } }));
        var output = new StringWriter();
        Assert.Equal(0, await Commands.Cli.RunAsync(["rules", "stats", "--account", "acme", "--days", "14", "--json", "--settings", settings], output, new StringWriter()));

        var root = JsonDocument.Parse(output.ToString()).RootElement;
        var poster = Assert.Single(root.GetProperty("channels").EnumerateArray());
        Assert.Equal("poster", poster.GetProperty("scene").GetString());
        Assert.Equal((11, 6, 2, 4), (poster.GetProperty("scans").GetInt64(), poster.GetProperty("follows").GetInt64(), poster.GetProperty("unfollows").GetInt64(), poster.GetProperty("net").GetInt64()));
        Assert.Equal(0.75, poster.GetProperty("retained1d").GetDouble());
        Assert.Equal(0.5, poster.GetProperty("retained7d").GetDouble());
        Assert.Equal(JsonValueKind.Null, poster.GetProperty("retained30d").ValueKind);
        var menu = Assert.Single(root.GetProperty("menu").EnumerateArray());
        Assert.Equal(("STORES", 3), (menu.GetProperty("key").GetString(), menu.GetProperty("clicks").GetInt64()));
    }

    private static async Task Push(TestServer server, string openId, string name, string? key = null)
    {
        var xml = SampleMessages.Event(TestAccounts.Gh, openId, server.Time.GetUtcNow().ToUnixTimeSeconds() + (Wire.Unique() % 1000), name, key);
        Assert.Equal(200, (await Wire.PushAsync(server.Client, xml, timestamp: server.Time.GetUtcNow().ToUnixTimeSeconds())).Status);
    }

    private static async Task<DailyStats> Eventually(IHitStats stats, DateOnly day, Func<DailyStats, bool> done)
    {
        DailyStats read = null!;
        await TestHelpers.EventuallyAsync(async () => done(read = await stats.ReadAsync("acme", day)), TimeSpan.FromSeconds(10));
        return read;
    }
}
