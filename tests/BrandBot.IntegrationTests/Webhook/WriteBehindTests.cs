using System.Diagnostics;
using System.Globalization;
using BrandBot.IntegrationTests.Deploy;
using BrandBot.Protocol.Simulation;
using BrandBot.Redis;
using BrandBot.Rules.Stats;
using BrandBot.Rules.Store;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Webhook;

/// <summary>
/// Fixed replies answered without waiting on Redis, their records written behind. Real
/// redis-server, two real BrandBot instances (one of them a real process, for the kill), the fake
/// WeChat API for the rest of a reply_all group, on the real clock.
/// </summary>
public sealed class WriteBehindTests : RedisAndFakeWeChat
{
    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(6000)]
    public async Task RetryToTheOtherInstance_SameReply_TheRuleCountedAndTheRestSentOnce(int afterMs)
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        var push = Wire.Text("steps");

        var first = await PushAsync(a, push);
        await Task.Delay(afterMs);
        var retry = await PushAsync(b, push);

        Assert.Contains("step 1", Decode(first));
        // Answered afresh on the other instance, from the push and the rules version alone (docs/exactly-once.md):
        // the same bytes, envelope and all, although the retry's query was signed later.
        Assert.Equal(first.Body, retry.Body);
        await EventuallyAsync(async () => await HitsAsync(a, b, "steps") >= 1 && Api.Sends.Count >= 2, TimeSpan.FromSeconds(10));
        await Task.Delay(500);
        Assert.Equal(1, await HitsAsync(a, b, "steps"));
        Assert.Equal(["step 2", "step 3"], Api.Sends.Select(s => FakeWeChatApi.Text(s.Body)));
        Assert.Equal(1, Series(await MetricsAsync(a), "brandbot_dedup_hits_total", "replayed") + Series(await MetricsAsync(b), "brandbot_dedup_hits_total", "replayed"));
    }

    [Fact]
    public async Task KilledBetweenAnsweringAndWritingBehind_TheRetryElsewhereCountsItOnce()
    {
        var rulesFile = TestAccounts.WriteRules(DeliveryTests.Rules("http://127.0.0.1:9/hook"));
        // Records gather for 10 s before they are written: the kill lands between answer and write.
        await using var a = await ContainerProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["BrandBot__Redis"] = Redis.Configuration,
                ["BrandBot__WriteBehindLingerMilliseconds"] = "10000",
                ["BrandBot__Accounts__0__Name"] = "acme",
                ["BrandBot__Accounts__0__AppId"] = TestAccounts.AppId,
                ["BrandBot__Accounts__0__RulesFile"] = rulesFile,
            },
            new Dictionary<string, string>
            {
                ["BrandBot__Accounts__0__Token"] = TestAccounts.Token,
                ["BrandBot__Accounts__0__EncodingAESKey"] = TestAccounts.Key,
            });
        await using var b = await StartAsync();
        var push = Wire.Text("hours");

        var first = await PushAsync(a.Client, push);
        a.Process.Kill();
        await a.Process.WaitForExitAsync();
        var retry = await PushAsync(b.Client, push);

        Assert.Contains("We open 9:00-21:00", Decode(first));
        // Another process answered the retry afresh: the same bytes all the same.
        Assert.Equal(first.Body, retry.Body);
        // The dead instance's record never landed: the retry was first, and counted.
        await EventuallyAsync(async () => (await DailyAsync()).RuleHits.GetValueOrDefault("hours") == 1, TimeSpan.FromSeconds(10));
        Assert.Equal(0, Series(await MetricsAsync(b), "brandbot_dedup_hits_total", "replayed"));
    }

    [Fact]
    public async Task RedisUnavailableForTheWriteBehind_AnsweredAtOnce_CountedOnceHere()
    {
        await using var a = await StartAsync();
        await PushAsync(a, Wire.Text("hours", openId: "oWarmUp"));
        await Redis.StopAsync();
        var push = Wire.Text("hours");

        var watch = Stopwatch.StartNew();
        var first = await PushAsync(a, push);
        var answeredIn = watch.Elapsed;
        var retry = await PushAsync(a, push);

        Assert.Contains("We open 9:00-21:00", Decode(first));
        Assert.Equal(first.Body, retry.Body);
        Assert.True(answeredIn < TimeSpan.FromSeconds(1), $"answered in {answeredIn}");
        await EventuallyAsync(async () => Series(await MetricsAsync(a), "brandbot_dedup_hits_total", "replayed") == 1, TimeSpan.FromSeconds(5));
        var metrics = await MetricsAsync(a);
        Assert.Equal(2, Series(metrics, "brandbot_rule_hits_total", "hours"));
        await Redis.RestartAsync();
    }

    [Fact]
    public async Task RedisUnavailableForTheRateSync_IsCounted_AndTheCountsWait()
    {
        await using var a = await StartAsync(perFollower: 30);
        await Redis.StopAsync();
        Assert.Contains("We open 9:00-21:00", Decode(await PushAsync(a, Wire.Text("hours"))));
        await EventuallyAsync(async () => Series(await MetricsAsync(a), "brandbot_redis_errors_total", "rate_sync") > 0, TimeSpan.FromSeconds(5));
        await Redis.RestartAsync();
    }

    [Fact]
    public async Task RetryAcrossAPublish_GetsTheReplyOfTheVersionThatAnsweredFirst()
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        var push = Wire.Text("hours");
        var first = await PushAsync(a, push);

        await using (var connection = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration))
        {
            var publisher = new RulePublisher(new RedisRuleStore(connection), TimeProvider.System);
            await publisher.PublishAsync("acme", DeliveryTests.Rules("http://127.0.0.1:9/hook").Replace("We open 9:00-21:00", "We open 10:00-20:00"), "test", "new hours");
        }

        await EventuallyAsync(async () => Decode(await PushAsync(b, Wire.Text("hours", openId: "oProbe"))).Contains("10:00-20:00"), TimeSpan.FromSeconds(10));
        var retry = await PushAsync(b, push);

        Assert.Contains("We open 9:00-21:00", Decode(first));
        // Rebuilt on the other instance from the first attempt's compact record (the gate's replay path): the same bytes.
        Assert.Equal(first.Body, retry.Body);
    }

    [Fact]
    public async Task RetryAcrossAPublish_BeforeTheFirstRecordIsWritten_GetsTheFirstReply()
    {
        // Records gather for 1 s before they are written: the first attempt's record is still on its way
        // when the retry reaches the other instance, which already answers with the new version.
        await using var a = await StartAsync(lingerMs: 1000);
        await using var b = await StartAsync(lingerMs: 1000);
        // Created now, as WeChat's pushes are: only a push this recent can have a record still on its way.
        var push = SampleMessages.Text(TestAccounts.Gh, TestAccounts.OpenId, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "hours", Wire.Unique());
        var first = await PushAsync(a, push);

        await using (var connection = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration))
        {
            var publisher = new RulePublisher(new RedisRuleStore(connection), TimeProvider.System);
            await publisher.PublishAsync("acme", DeliveryTests.Rules("http://127.0.0.1:9/hook").Replace("We open 9:00-21:00", "We open 10:00-20:00"), "test", "new hours");
        }

        var live = b.Services.GetRequiredService<LiveRuleSets>();
        await EventuallyAsync(() => Task.FromResult(live.Get("acme").Version == 2), TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();
        var retry = await PushAsync(b, push);

        Assert.Contains("We open 9:00-21:00", Decode(first));
        Assert.Equal(first.Body, retry.Body);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the retry took {watch.Elapsed}");
        // A push created after the publish does not wait for anyone's record.
        watch.Restart();
        Assert.Contains("10:00-20:00", Decode(await PushAsync(b, SampleMessages.Text(TestAccounts.Gh, "oLater", DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3, "hours", Wire.Unique()))));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"a push created after the publish took {watch.Elapsed}");
    }

    private async Task<TestServer> StartAsync(int perFollower = 0, int lingerMs = 0)
    {
        var settings = SettingsFor(TestAccounts.WriteRules(DeliveryTests.Rules("http://127.0.0.1:9/hook")));
        settings["BrandBot:RateLimit:PerFollower"] = perFollower.ToString(CultureInfo.InvariantCulture);
        settings["BrandBot:WriteBehindLingerMilliseconds"] = lingerMs.ToString(CultureInfo.InvariantCulture);
        return await TestServer.StartAsync(settings, realClock: true);
    }

    private async Task<DailyStats> DailyAsync()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var today = DateOnly.FromDateTime((DateTimeOffset.UtcNow + TimeSpan.FromHours(8)).UtcDateTime);
        return await new RedisHitStats(connection, TimeProvider.System, TimeSpan.FromHours(8)).ReadAsync("acme", today);
    }

    private static async Task<long> HitsAsync(TestServer a, TestServer b, string rule) =>
        Series(await MetricsAsync(a), "brandbot_rule_hits_total", rule) + Series(await MetricsAsync(b), "brandbot_rule_hits_total", rule);

    private static Task<PushResponse> PushAsync(TestServer server, string xml) => Wire.PushSafeNowAsync(server.Client, xml);

    private static Task<PushResponse> PushAsync(HttpClient client, string xml) => Wire.PushSafeNowAsync(client, xml);

    private static string Decode(PushResponse response) => Wire.DecodeSafe(response);

    private static Task<string> MetricsAsync(TestServer server) => MetricsAsync(server.Client);

    private static async Task<string> MetricsAsync(HttpClient client) => await client.GetStringAsync("/metrics");

    private static long Series(string metrics, string family, string label) => TestHelpers.MetricSum(metrics, family, label);

    private static Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within) => TestHelpers.EventuallyAsync(condition, within);
}
