using System.Diagnostics;
using System.Globalization;
using BrandBot.IntegrationTests.Deploy;
using BrandBot.Protocol.Simulation;
using BrandBot.Redis;
using BrandBot.Rules.Store;
using StackExchange.Redis;
using Xunit.Abstractions;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Reliability;

/// <summary>
/// Faults under a steady load from a second client on loopback, against BrandBot processes
/// started like the container. Short in the test command (BRANDBOT_RELIABILITY_SECONDS, default 12 s
/// per scenario); `bash tests/reliability/run.sh` runs them long and adds the 10-minute soak. Each
/// scenario appends a row to the results table (BRANDBOT_RELIABILITY_RESULTS).
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ReliabilityTests(ITestOutputHelper output)
{
    private const double Rate = 150;

    private static readonly TimeSpan Length = TimeSpan.FromSeconds(Setting("BRANDBOT_RELIABILITY_SECONDS", 12));

    [Fact]
    public async Task RedisStoppedForAWhileAndRestarted_EveryPushAnswered_CountingResumes()
    {
        // Persistent, as production Redis is: a restart keeps what was written before it.
        await using var redis = await RedisServer.StartAsync(persistent: true);
        await using var a = await StartAsync(redis);
        await using var b = await StartAsync(redis);
        await using var nginx = await NginxServer.StartAsync([a.Port, b.Port]);
        var outage = TimeSpan.FromSeconds(Math.Min(10, Length.TotalSeconds / 2.5));
        TimeSpan down = default, up = default;

        var load = new SteadyLoad(Url(nginx), IsVersioned);
        var report = await load.RunAsync(Rate, Length, async length =>
        {
            await Task.Delay(length / 4);
            down = load.Elapsed;
            await redis.StopAsync();
            await Task.Delay(outage);
            await redis.RestartAsync();
            up = load.Elapsed;
        });

        var counted = await FollowsCountedAsync(redis);
        var afterRecovery = report.DuplicatesSentAt.Count(t => t > up + TimeSpan.FromSeconds(2));
        Record($"Redis stopped {outage.TotalSeconds:F0} s and restarted", report, counted, $"duplicates all sent while Redis was down: {afterRecovery == 0 && report.DuplicatesSentAt.All(t => t >= down)}");
        Assert.Equal(0, report.Errors5xx);
        Assert.Equal(0, report.Failed);
        Assert.Equal(0, report.Late);
        Assert.Equal(0, report.Wrong);
        // While Redis is away each replica de-duplicates alone; nginx routes a follower's retries to the
        // replica that answered the first attempt (hash $arg_openid), so none is answered afresh.
        Assert.Equal(0, afterRecovery);
        Assert.Equal(0, report.Duplicates);
        // Follows answered while Redis was away are counted once it is back (tallies are kept).
        Assert.Equal(report.FollowsAnswered, counted);
    }

    [Fact]
    public async Task ClusterMasterKilledUnderLoad_ItsReplicaTakesOver_EveryPushAnswered()
    {
        await using var cluster = await RedisCluster.StartAsync();
        await using var a = await StartAsync(cluster.Configuration);
        await using var b = await StartAsync(cluster.Configuration);
        await using var nginx = await NginxServer.StartAsync([a.Port, b.Port]);
        var master = await cluster.MasterOfAsync("brandbot:{acme}:rules:current");
        TimeSpan killed = default;

        var load = new SteadyLoad(Url(nginx), IsVersioned);
        var report = await load.RunAsync(Rate, Length, async length =>
        {
            await Task.Delay(length / 4);
            killed = load.Elapsed;
            await cluster.KillAsync(master);
            await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        });

        await using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        await new RulePublisher(new RedisRuleStore(connection), TimeProvider.System).PublishAsync("acme", Rules(2), "reliability", "after failover");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var landed = false;
        while (!landed && DateTime.UtcNow < deadline)
        {
            landed = await AnswersAsync(a, "v2") && await AnswersAsync(b, "v2");
            await Task.Delay(200);
        }

        var counted = await FollowsCountedAsync(connection);
        Record("Redis Cluster: the account's master killed (SIGKILL), replica promoted", report, counted, $"publish after the failover on both replicas: {landed}");
        Assert.Equal(0, report.Errors5xx + report.Failed + report.Late + report.Wrong);
        Assert.Equal(0, report.DuplicatesSentAt.Count(t => t > killed + TimeSpan.FromSeconds(10)));
        Assert.True(landed, "the publish after the failover did not reach both replicas");
    }

    private static async Task<bool> AnswersAsync(ContainerProcess instance, string version)
    {
        var push = SignedPush.Create(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, PushMode.Safe,
            SampleMessages.Text(TestAccounts.Gh, $"oProbe{Guid.NewGuid():N}"[..28], DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "ask", Wire.Unique()),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "1514711492", Wire.Prefix);
        var response = await Wire.PostAsync(instance.Client, $"/bot/wechat/acme?{push.Query}", push.Body);
        return response.Status == 200 && Wire.DecodeSafe(response).Contains($"<Content><![CDATA[{version}]]>", StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesPublishedRepeatedlyUnderLoad_NoMixedOrFailedAnswer()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartAsync(redis);
        await using var b = await StartAsync(redis);
        await using var nginx = await NginxServer.StartAsync([a.Port, b.Port]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var publisher = new RulePublisher(new RedisRuleStore(connection), TimeProvider.System);
        var published = 1;

        var report = await new SteadyLoad(Url(nginx), IsVersioned).RunAsync(Rate, Length, async length =>
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < length - TimeSpan.FromSeconds(1))
            {
                await Task.Delay(500);
                await publisher.PublishAsync("acme", Rules(++published), "reliability", $"v{published}");
            }
        });

        Record($"{published - 1} rules publishes, one every 0.5 s", report, null);
        Assert.Equal(0, report.Errors5xx + report.Failed + report.Late + report.Wrong + report.Duplicates);
    }

    [Fact]
    public async Task OneOfTwoInstancesKilled_RetriesLandOnTheSurvivor()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartAsync(redis);
        await using var b = await StartAsync(redis);
        await using var nginx = await NginxServer.StartAsync([a.Port, b.Port]);

        var report = await new SteadyLoad(Url(nginx), IsVersioned).RunAsync(Rate, Length, async length =>
        {
            await Task.Delay(length / 3);
            a.Process.Kill();
        });

        var counted = await FollowsCountedAsync(redis);
        Record("one of two replicas killed (SIGKILL) behind nginx", report, counted);
        Assert.Equal(0, report.Errors5xx);
        Assert.Equal(0, report.Failed);
        Assert.Equal(0, report.Late);
        Assert.Equal(0, report.Wrong);
        Assert.Equal(0, report.Duplicates);
    }

    [Fact]
    public async Task BackendHangsThenAnswersGarbage_TheCircuitOpensAndFallbacksFlow()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await FakeBackend.StartAsync();
        var hanging = true;
        backend.Behaviour = _ => hanging ? (TimeSpan.FromSeconds(30), 200, """{"text": "too late"}""") : (TimeSpan.Zero, 200, "<html>garbage</html>");
        await using var a = await StartAsync(redis, backend.BaseUrl + "/hook");

        var report = await new SteadyLoad(Url(a), IsVersionedOrFallback).RunAsync(Rate, Length, async length =>
        {
            await Task.Delay(length / 2);
            hanging = false;
        });

        var metrics = await a.Client.GetStringAsync("/metrics");
        Record("brand backend hangs, then answers garbage", report, null, $"backend calls {backend.Calls}, circuit_open {TestHelpers.MetricSum(metrics, "brandbot_backend_calls_total", "circuit_open")}");
        Assert.Equal(0, report.Errors5xx + report.Failed + report.Late + report.Wrong);
        Assert.True(TestHelpers.MetricSum(metrics, "brandbot_backend_calls_total", "circuit_open") > 0, "the circuit never opened");
        // Far fewer calls than pushes asking the backend: the open circuit answers without calling.
        Assert.True(backend.Calls < report.Requests / 10, $"{backend.Calls} backend calls");
    }

    [Fact]
    public async Task Soak_SteadyLoad_MemoryAndHandlesStayFlat()
    {
        var length = TimeSpan.FromSeconds(Setting("BRANDBOT_SOAK_SECONDS", 20));
        await using var redis = await RedisServer.StartAsync();
        await using var a = await StartAsync(redis);
        var samples = new List<(TimeSpan At, long RssKb, int Handles)>();

        var report = await new SteadyLoad($"http://127.0.0.1:{a.Port}/bot/wechat/acme", IsVersioned).RunAsync(Rate, length, async total =>
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < total)
            {
                samples.Add((watch.Elapsed, Rss(a.Process.Id), Directory.GetFiles($"/proc/{a.Process.Id}/fd").Length));
                await Task.Delay(total / 10);
            }
        });

        // After warm-up (the first third), memory and handles stay within bounds.
        var settled = samples.Where(s => s.At >= length / 3).ToList();
        var rssGrowth = (double)settled[^1].RssKb / settled[0].RssKb;
        // Open handles move with the connections the client happens to hold, so compare the middle
        // of the early and late halves: a leak grows with the pushes (tens of thousands), noise does not.
        var half = settled.Count / 2;
        var handleDrift = Median(settled.Skip(half).Select(s => s.Handles)) - Median(settled.Take(Math.Max(1, half)).Select(s => s.Handles));
        Record($"soak {length.TotalMinutes:F1} min at {Rate} pushes/s", report, null,
            $"RSS {settled[0].RssKb / 1024} → {settled[^1].RssKb / 1024} MB ({rssGrowth:F2}×), handles {settled.Min(s => s.Handles)}–{settled.Max(s => s.Handles)}", length);
        Assert.Equal(0, report.Errors5xx + report.Failed + report.Late + report.Wrong + report.Duplicates);
        Assert.True(rssGrowth < 1.5, $"RSS grew {rssGrowth:F2}×");
        Assert.True(handleDrift < 100, $"handles grew by {handleDrift}");
    }

    private static bool IsVersioned(string inner) => inner.Contains("<Content><![CDATA[v", StringComparison.Ordinal);

    private static bool IsVersionedOrFallback(string inner) => IsVersioned(inner) || inner.Contains("busy", StringComparison.Ordinal);

    private static string Url(NginxServer nginx) => $"http://127.0.0.1:{nginx.Port}/bot/wechat/acme";

    private static string Url(ContainerProcess instance) => $"http://127.0.0.1:{instance.Port}/bot/wechat/acme";

    private static string Rules(int version, string? backend = null) => backend is null
        ? $$"""
            follow:
              replies: [ text: "welcome" ]
            rules:
              - { name: ask, keywords: [ equal: "ask" ], replies: [ text: "v{{version}}" ] }
            """
        : $$"""
            follow:
              replies: [ text: "welcome" ]
            rules:
              - name: ask
                keywords: [ equal: "ask" ]
                replies: [ webhook: { url: "{{backend}}", timeoutMs: 1000 } ]
                fallback: [ text: "lookup busy" ]
            """;

    private static Task<ContainerProcess> StartAsync(RedisServer redis, string? backend = null) => StartAsync(redis.Configuration, backend);

    private static Task<ContainerProcess> StartAsync(string redis, string? backend = null) => ContainerProcess.StartAsync(
        new Dictionary<string, string>
        {
            ["BrandBot__Redis"] = redis,
            ["BrandBot__PathBase"] = "/bot",
            ["BrandBot__RateLimit__PerFollower"] = "0",
            ["BrandBot__Backends__MinimumCalls"] = "5",
            ["BrandBot__Backends__BreakSeconds"] = "5",
            ["BrandBot__Accounts__0__Name"] = "acme",
            ["BrandBot__Accounts__0__AppId"] = TestAccounts.AppId,
            ["BrandBot__Accounts__0__RulesFile"] = TestAccounts.WriteRules(Rules(1, backend)),
        },
        new Dictionary<string, string>
        {
            ["BrandBot__Accounts__0__Token"] = TestAccounts.Token,
            ["BrandBot__Accounts__0__EncodingAESKey"] = TestAccounts.Key,
        });

    /// <summary>Follows in Redis's statistics for today, after waiting for the replicas' once-a-second flush.</summary>
    private static async Task<long> FollowsCountedAsync(RedisServer redis)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        return await FollowsCountedAsync(connection);
    }

    private static async Task<long> FollowsCountedAsync(IConnectionMultiplexer connection)
    {
        await Task.Delay(2500);
        var stats = new RedisHitStats(connection, TimeProvider.System, TimeSpan.FromHours(8));
        var today = DateOnly.FromDateTime((DateTimeOffset.UtcNow + TimeSpan.FromHours(8)).UtcDateTime);
        return (await stats.ReadAsync("acme", today)).Follows;
    }

    private void Record(string fault, LoadReport report, long? followsCounted, string? extra = null, TimeSpan? held = null)
    {
        var lost = followsCounted is { } counted ? (report.FollowsAnswered - counted).ToString(CultureInfo.InvariantCulture) : "n/a";
        if (report.FailureKinds.Length > 0)
        {
            extra = (extra is null ? "" : extra + "; ") + "failed: " + report.FailureKinds;
        }

        var row = $"| {fault} | {Rate:F0}/s for {(held ?? Length).TotalSeconds:F0} s | {report.Requests} | {report.Errors5xx} | {report.Late} | {report.Failed} | {report.Wrong} | {report.Duplicates} | {lost} | {report.P50Ms:F1} / {report.P99Ms:F1} | {extra} |";
        output.WriteLine(row);
        foreach (var sample in report.Samples)
        {
            output.WriteLine("  " + sample);
        }

        var file = Environment.GetEnvironmentVariable("BRANDBOT_RELIABILITY_RESULTS") ?? Path.Combine(Path.GetTempPath(), "brandbot-reliability", "results.md");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        lock (typeof(ReliabilityTests))
        {
            File.AppendAllText(file, row + "\n");
        }
    }

    private static int Median(IEnumerable<int> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static long Rss(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).First();

    private static double Setting(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
