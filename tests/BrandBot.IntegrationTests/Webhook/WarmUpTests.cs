using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Webhook;

/// <summary>
/// The start-up warm-up (docs/performance.md): it rehearses the real push path before the host
/// listens, and nothing of it can be seen afterwards — in Redis, on /metrics or in the log.
/// </summary>
public sealed class WarmUpTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task StartUp_RehearsesBeforeListening_AndLeavesNothingInRedisOnMetricsOrInTheLog()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Redis"] = _redis.Configuration;
        settings["BrandBot:WarmUpRounds"] = "0";
        IReadOnlyList<string> keysWithout, metricsWithout;
        await using (var without = await TestServer.StartAsync(settings, realClock: true))
        {
            Assert.DoesNotContain(without.Logs.Lines, l => l.Contains("Warmed up", StringComparison.Ordinal));
            metricsWithout = Counters(await without.Client.GetStringAsync("/metrics"));
            keysWithout = await KeysAsync(flush: true);
        }

        settings["BrandBot:WarmUpRounds"] = "300";
        await using var with = await TestServer.StartAsync(settings, realClock: true);
        // 300 rounds in three passes of 100, five messages in two modes each.
        Assert.Contains(with.Logs.Lines, l => l.Contains("Warmed up: 3000 synthetic pushes rehearsed", StringComparison.Ordinal));
        // Past the statistics' once-a-second flush and any write behind.
        await Task.Delay(1500);
        var metrics = await with.Client.GetStringAsync("/metrics");

        Assert.Equal(keysWithout, await KeysAsync(flush: false));
        Assert.Equal(metricsWithout, Counters(metrics));
        Assert.DoesNotContain("warm-up", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(with.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal));
        // And it still answers as before.
        Assert.Contains("We open 9:00-21:00", Wire.DecodeSafe(await Wire.PushSafeNowAsync(with.Client, Wire.Text("hours"))));
    }

    [Fact]
    public async Task Rehearse_AnswersAsAPushWould_FromTheRulesItIsGiven()
    {
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules)));
        var processor = server.Services.GetRequiredService<PushProcessor>();
        var account = server.Services.GetRequiredService<AccountDirectory>().Find("acme")!;
        var rules = server.Services.GetRequiredService<LiveRuleSets>().Get("acme");
        var now = server.Time.GetUtcNow().ToUnixTimeSeconds();

        foreach (var (text, expected) in new[] { ("hours", "We open 9:00-21:00"), ("something else", "default reply") })
        {
            var push = SignedPush.Create(
                TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, PushMode.Safe,
                SampleMessages.Text(TestAccounts.Gh, TestAccounts.OpenId, now, text, 1), now, "n0nce", new byte[16]);
            var answer = processor.Rehearse(account, PushQuery.Parse(push.Query), push.Body, rules);

            Assert.Equal(200, answer.Status);
            var reply = SignedPush.DecodeReply(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, null, answer.Body.ToArray());
            Assert.Contains($"<Content><![CDATA[{expected}]]></Content>", reply);
        }

        // A bad signature is refused, as on the real path.
        var forged = SignedPush.Create("another-token", TestAccounts.AppId, TestAccounts.Key, PushMode.Safe, SampleMessages.Text(TestAccounts.Gh, TestAccounts.OpenId, now, "hours", 2), now, "n0nce", new byte[16]);
        Assert.Equal(401, processor.Rehearse(account, PushQuery.Parse(forged.Query), forged.Body, rules).Status);
    }

    [Fact]
    public async Task WarmUpRounds_OutOfRange_FailsStartUpNamingTheSetting()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:WarmUpRounds"] = "-1";
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings));
        Assert.Contains("BrandBot:WarmUpRounds must be between 0 (off) and 100000 (got -1)", failure.Message);
    }

    /// <summary>Every counter and gauge line (histograms' timings differ run to run), sorted.</summary>
    private static List<string> Counters(string metrics) =>
        [.. metrics.Split('\n')
            .Where(l => l.StartsWith("brandbot_", StringComparison.Ordinal) && !l.Contains("_bucket{", StringComparison.Ordinal)
                && !l.Contains("_sum", StringComparison.Ordinal) && !l.Contains("_count", StringComparison.Ordinal)
                && !l.Contains("_seconds", StringComparison.Ordinal) && !l.Contains("_bytes", StringComparison.Ordinal))
            .Select(l => l.Contains('}') ? l[..(l.LastIndexOf('}') + 1)] + " " + l[(l.LastIndexOf(' ') + 1)..] : l)
            .Order(StringComparer.Ordinal)];

    /// <summary>Redis's keys, sorted; optionally emptied after.</summary>
    private async Task<IReadOnlyList<string>> KeysAsync(bool flush)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            keys.Add(key.ToString());
        }

        if (flush)
        {
            await server.FlushAllDatabasesAsync();
        }

        return [.. keys.Distinct().Order(StringComparer.Ordinal)];
    }
}
