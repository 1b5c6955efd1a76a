using System.Diagnostics;
using BrandBot.Protocol.Simulation;
using BrandBot.Redis;
using BrandBot.Rules.Stats;
using BrandBot.Rules.Store;
using StackExchange.Redis;

namespace BrandBot.IntegrationTests.Cluster;

/// <summary>One real Redis Cluster (three masters, three replicas) for the tests of a class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// BrandBot on Redis Cluster (deploy/README.md): publish and hot reload on every instance (cluster pub/sub),
/// push records, rate windows, statistics, tokens, tagging and flows across two instances, and a master
/// killed under steady load while its replica takes over.
/// </summary>
[Collection("cluster")]
public sealed class ClusterTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IAsyncLifetime
{
    private const string Rules = """
        follow:
          replies: [ text: "welcome" ]
          scenes:
            poster:
              tag: poster-fans
              replies: [ text: "poster thanks" ]
        default:
          replies: [ text: "default reply" ]
        flows:
          survey:
            steps:
              - ask: score
                prompt: [ text: "From 1 to 5?" ]
                accept: { number: { min: 1, max: 5 } }
              - say: [ text: "Thanks, {score} it is." ]
        rules:
          - { name: hours, keywords: [ equal: "hours" ], replies: [ text: "We open 9:00-21:00" ] }
          - { name: both, keywords: [ equal: "both" ], replies: [ text: "first", text: "second" ] }
          - { name: survey, keywords: [ equal: "survey" ], flow: survey }
        """;

    private FakeWeChatApi _api = null!;
    private string _account = "";

    public async Task InitializeAsync()
    {
        _api = await FakeWeChatApi.StartAsync();
        // Each test its own account: its keys (one hash tag) land in a slot of their own.
        _account = "acme";
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task TwoInstances_ShareRulesRecordsStatsTagsAndFlows_OnTheCluster()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Cluster.Configuration);
        var publisher = new RulePublisher(new RedisRuleStore(connection), TimeProvider.System);
        await PublishAsync(publisher, Rules, "v1");
        await using var a = await StartAsync();
        await using var b = await StartAsync();

        // A retry to the other instance: the same content, counted once, the rest of reply_all sent once.
        var push = Text("oClusterA000000000000000001", "both");
        var first = await Deliver(a, push);
        var retry = await Deliver(b, push);
        Assert.Equal(Wire.WithoutCreateTime(first), Wire.WithoutCreateTime(retry));
        await TestHelpers.EventuallyAsync(() => _api.Delivered.Any(), TimeSpan.FromSeconds(10));

        // A flow across the two instances.
        Assert.Contains("From 1 to 5?", await Deliver(a, Text("oClusterB000000000000000002", "survey")));
        Assert.Contains("Thanks, 4 it is.", await Deliver(b, Text("oClusterB000000000000000002", "4")));

        // A follow through the poster tags the follower.
        await Deliver(b, SampleMessages.Event(TestAccounts.Gh, "oClusterC000000000000000003", Now(), "subscribe", "qrscene_poster"));
        await TestHelpers.EventuallyAsync(() => _api.Account.Taggings.Any(), TimeSpan.FromSeconds(10));

        // A publish reaches both instances through cluster pub/sub.
        await publisher.PublishAsync(_account, Rules.Replace("We open 9:00-21:00", "We open 8:00-22:00"), "test", "v2");
        await TestHelpers.EventuallyAsync(
            async () => (await Deliver(a, Text("oClusterD000000000000000004", "hours"))).Contains("8:00-22:00")
                && (await Deliver(b, Text("oClusterD000000000000000004", "hours"))).Contains("8:00-22:00"),
            TimeSpan.FromSeconds(10));

        await Task.Delay(1500);
        Assert.Single(_api.Delivered);
        var stats = await new RedisHitStats(connection, TimeProvider.System, TimeSpan.FromHours(8)).ReadAsync(_account, StatsDay.Of(DateTimeOffset.UtcNow, TimeSpan.FromHours(8)));
        Assert.Equal(1, stats.RuleHits["both"]);
        Assert.Equal(1, stats.SceneFollows["poster"]);
    }

    [Fact]
    public async Task MasterKilledUnderSteadyLoad_EveryPushIsAnsweredRightAndInTime_AndAPublishLandsEverywhere()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Cluster.Configuration);
        var publisher = new RulePublisher(new RedisRuleStore(connection), TimeProvider.System);
        await PublishAsync(publisher, Rules, "failover v1");
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        var master = await fixture.Cluster.MasterOfAsync($"brandbot:{{{_account}}}:rules:current");

        var results = new System.Collections.Concurrent.ConcurrentBag<(int Status, string Body, TimeSpan Took)>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var server = (worker + n++) % 2 == 0 ? a : b;
                var watch = Stopwatch.StartNew();
                var response = await Wire.PushAsync(server.Client, Text($"oLoad{worker:D2}{n:D21}", "hours"), timestamp: Now());
                results.Add((response.Status, response.Text, watch.Elapsed));
                await Task.Delay(20);
            }
        })));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await fixture.Cluster.KillAsync(master);
        // An operator publishes during the failover: refused cleanly until the slot has a master again, then accepted.
        var publishing = Task.Run(async () =>
        {
            var refused = 0;
            while (true)
            {
                try
                {
                    await publisher.PublishAsync(_account, Rules.Replace("We open 9:00-21:00", "After failover"), "test", "failover v2");
                    return refused;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    refused++;
                    await Task.Delay(200);
                }
            }
        });
        await load;
        await fixture.Cluster.WaitHealthyAsync(TimeSpan.FromSeconds(20));
        await publishing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(results.Count > 200, $"only {results.Count} pushes");
        Assert.All(results, r => Assert.Equal(200, r.Status));
        // Every answer is the right one: the old version's, or (once the publish made during the failover landed) the new one's.
        Assert.All(results, r => Assert.True(r.Body.Contains("We open 9:00-21:00") || r.Body.Contains("After failover"), r.Body));
        Assert.True(results.Max(r => r.Took) < TimeSpan.FromSeconds(5), $"slowest answer {results.Max(r => r.Took)}");

        // Healthy again: the publish made during the failover is live on both instances, and a retry is processed once.
        var push = Text("oAfterFailover000000000000001", "both");
        var sendsBefore = _api.Delivered.Count();
        await TestHelpers.EventuallyAsync(
            async () => (await Deliver(a, Text("oProbeA0000000000000000000001", "hours"))).Contains("After failover")
                && (await Deliver(b, Text("oProbeB0000000000000000000001", "hours"))).Contains("After failover"),
            TimeSpan.FromSeconds(15));
        Assert.Equal(Wire.WithoutCreateTime(await Deliver(a, push)), Wire.WithoutCreateTime(await Deliver(b, push)));
        await Task.Delay(1500);
        Assert.Equal(sendsBefore + 1, _api.Delivered.Count());
    }

    [Fact]
    public async Task SimulateCheck_AgainstAnInstanceOnTheCluster_PassesTheWholeProtocol()
    {
        await using var a = await StartAsync();
        var output = new StringWriter();
        var code = await BrandBot.Commands.Cli.RunAsync(["simulate", "check", "--settings", TestHelpers.SimulateSettings(), "--url", a.Client.BaseAddress + "wechat/acme", "--text", "hours"], output, output);
        Assert.True(code == 0, output.ToString());
        Assert.Contains("ready for the WeChat console", output.ToString());
    }

    /// <summary>Publishes, retrying while the client still learns the cluster's map (right after a failover in another test).</summary>
    private async Task PublishAsync(RulePublisher publisher, string yaml, string message)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await publisher.PublishAsync(_account, yaml, "test", message);
                return;
            }
            catch (RedisException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    private Task<TestServer> StartAsync()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(Rules));
        settings["BrandBot:Redis"] = fixture.Cluster.Configuration;
        settings["BrandBot:WeChatApiBaseUrl"] = _api.BaseUrl;
        settings["BrandBot:Accounts:0:AppSecret"] = "secret-acme";
        settings["BrandBot:RulesCatchUpSeconds"] = "1";
        return TestServer.StartAsync(settings, realClock: true);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string Text(string openId, string content) => SampleMessages.Text(TestAccounts.Gh, openId, Now(), content, Wire.Unique());

    private static async Task<string> Deliver(TestServer server, string xml)
    {
        var response = await Wire.PushAsync(server.Client, xml, timestamp: Now());
        Assert.Equal(200, response.Status);
        return response.Text;
    }
}
