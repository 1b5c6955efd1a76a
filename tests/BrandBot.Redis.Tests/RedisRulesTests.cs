using BrandBot.Protocol.Simulation;
using BrandBot.Redis;
using BrandBot.Rules.Store;
using BrandBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BrandBot.Redis.Tests;

/// <summary>Rules in a real Redis shared by real BrandBot instances.</summary>
public sealed class RedisRulesTests : RedisConnected
{
    [Fact]
    public async Task Startup_PublishesRulesFileAsVersionOne_OnlyOnceForTwoInstances()
    {
        var file = TestAccounts.WriteRules(TestAccounts.Rules);
        await using var first = await StartAsync(file);
        await using var second = await StartAsync(TestAccounts.WriteRules(Versioned(99)));

        var store = new RedisRuleStore(Connection);
        Assert.Equal(1, await store.GetCurrentVersionAsync("acme"));
        var history = await store.GetHistoryAsync("acme");
        var audit = Assert.Single(history);
        Assert.Equal("startup", audit.By);
        Assert.Contains("hours", audit.Added);
        // The second instance answers with the stored version, not its own file.
        Assert.Equal("We open 9:00-21:00", await ReplyAsync(second, "hours"));
    }

    [Fact]
    public async Task OnePublish_SwitchesBothInstancesWithinOneSecond()
    {
        var file = TestAccounts.WriteRules(Versioned(1));
        await using var a = await StartAsync(file, catchUpSeconds: 60);
        await using var b = await StartAsync(file, catchUpSeconds: 60);
        Assert.Equal("v1", await ReplyAsync(a, "k1"));

        var publisher = new RulePublisher(new RedisRuleStore(Connection), TimeProvider.System);
        var started = DateTime.UtcNow;
        await publisher.PublishAsync("acme", Versioned(2), "test", "v2");

        // Catch-up polling is set to a minute here: only the pub/sub notification can do this.
        Assert.Equal("v2", await EventuallyAsync(a, "k2", "v2", TimeSpan.FromSeconds(1)));
        Assert.Equal("v2", await EventuallyAsync(b, "k2", "v2", TimeSpan.FromSeconds(1) - (DateTime.UtcNow - started)));
    }

    [Fact]
    public async Task RepeatedPublishesUnderConcurrentLoad_NeverAnswerFromAMixOfVersions()
    {
        var file = TestAccounts.WriteRules(Versioned(1));
        await using var server = await StartAsync(file);
        var publisher = new RulePublisher(new RedisRuleStore(Connection), TimeProvider.System);
        using var stop = new CancellationTokenSource();

        var load = Enumerable.Range(0, 4).Select(async worker =>
        {
            var answers = new List<(int Asked, string Reply)>();
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var version = (n++ % 6) + 1;
                answers.Add((version, (await ReplyAsync(server, $"k{version}"))!));
            }

            return answers;
        }).ToList();

        for (var v = 2; v <= 6; v++)
        {
            await publisher.PublishAsync("acme", Versioned(v), "test", $"v{v}");
            await Task.Delay(150);
        }

        stop.Cancel();
        var all = (await Task.WhenAll(load)).SelectMany(a => a).ToList();
        Assert.True(all.Count > 50, $"only {all.Count} requests");
        // Version N knows keyword kN; answering kN with version N's default would be a mix.
        Assert.DoesNotContain(all, a => a.Reply == $"default v{a.Asked}");
        Assert.All(all, a => Assert.Matches("^(v[1-6]|default v[1-6])$", a.Reply));
        Assert.Contains(all, a => a.Reply == "v6");
    }

    [Fact]
    public async Task MissedNotification_IsCaughtUpByVersionPolling()
    {
        var file = TestAccounts.WriteRules(Versioned(1));
        await using var server = await StartAsync(file, catchUpSeconds: 0.3);

        // Write version 2 the way a publish would, but without the pub/sub announcement.
        var db = Connection.GetDatabase();
        var v2 = Versioned(2);
        var json = System.Text.Json.JsonSerializer.Serialize(new { yaml = v2, hash = RuleSnapshot.HashOf(v2), at = DateTimeOffset.UtcNow });
        await db.HashSetAsync(RedisKeys.RulesVersions("acme"), 2, json);
        await db.StringSetAsync(RedisKeys.RulesCurrent("acme"), new RuleStamp(2, RuleSnapshot.HashOf(v2)).ToString());

        Assert.Equal("v2", await EventuallyAsync(server, "k2", "v2", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RedisStoppedAndRestarted_KeepsAnsweringReportsDegradedAndRecovers()
    {
        var file = TestAccounts.WriteRules(Versioned(1));
        await using var server = await StartAsync(file, catchUpSeconds: 0.3);
        Assert.Equal("ready", await server.Client.GetStringAsync("/readyz"));

        await Redis.StopAsync();
        // Followers notice nothing: same answers, on time.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("v1", await ReplyAsync(server, "k1"));
        }

        Assert.StartsWith("degraded", await EventuallyReadyzAsync(server, "degraded"));

        await Redis.RestartAsync(); // empty dataset, as after a Redis without persistence restarts
        Assert.Equal("ready", await EventuallyReadyzAsync(server, "ready"));

        // Publishing works again and reaches the instance (subscription restored or caught up).
        var publisher = new RulePublisher(new RedisRuleStore(Connection), TimeProvider.System);
        await EventuallyConnectedAsync(Connection);
        await publisher.PublishAsync("acme", Versioned(7), "test", "after restart");
        Assert.Equal("v7", await EventuallyAsync(server, "k7", "v7", TimeSpan.FromSeconds(5)));

        // And counting resumed, including what was counted while Redis was away (10 during the outage + 1).
        await ReplyAsync(server, "k7");
        var stats = server.Services.GetRequiredService<BrandBot.Rules.Stats.IHitStats>();
        var today = BrandBot.Rules.Stats.StatsDay.Of(server.Time.GetUtcNow(), TimeSpan.FromHours(8));
        await EventuallyAsync(async () => (await stats.ReadAsync("acme", today)).RuleHits.GetValueOrDefault("k") >= 11);
    }

    private static string Versioned(int v) => $"""
        default:
          replies: [ text: "default v{v}" ]
        rules:
          - name: k
            keywords: [ equal: "k{v}" ]
            replies: [ text: "v{v}" ]
        """;

    private Task<TestServer> StartAsync(string rulesFile, double catchUpSeconds = 5)
    {
        var settings = TestAccounts.Settings(rulesFile);
        settings["BrandBot:Redis"] = Redis.Configuration;
        settings["BrandBot:RulesCatchUpSeconds"] = catchUpSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TestServer.StartAsync(settings);
    }

    internal static async Task<string?> ReplyAsync(TestServer server, string text)
    {
        var response = await Wire.PushAsync(server.Client, Wire.Text(text), PushMode.Safe);
        return response.Text == "success" ? "success" : response.Reply()["Content"];
    }

    private static async Task<string?> EventuallyAsync(TestServer server, string text, string expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        string? last;
        do
        {
            last = await ReplyAsync(server, text);
            if (last == expected)
            {
                return last;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);
        return last;
    }

    private static async Task<string> EventuallyReadyzAsync(TestServer server, string prefix)
    {
        var last = "";
        for (var i = 0; i < 150 && !last.StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            last = await server.Client.GetStringAsync("/readyz");
        }

        return last;
    }

    private static async Task EventuallyConnectedAsync(ConnectionMultiplexer connection)
    {
        await EventuallyAsync(() => Task.FromResult(connection.IsConnected));
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 150; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("condition not met within 15 s");
    }
}
