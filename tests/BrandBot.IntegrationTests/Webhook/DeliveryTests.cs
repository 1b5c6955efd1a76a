using System.Diagnostics;
using System.Globalization;
using System.Text;
using BrandBot.IntegrationTests.Cluster;
using BrandBot.Protocol.Simulation;

namespace BrandBot.IntegrationTests.Webhook;

/// <summary>
/// Answering with brand backends end to end: real redis-server, two real BrandBot instances, a fake WeChat API and a fake
/// brand backend, all real HTTP on loopback, on the real clock (the budget races real calls).
/// The same tests run on a real Redis Cluster in <see cref="DeliveryOnClusterTests"/> (deploy/README.md).
/// </summary>
public class DeliveryTests : IAsyncLifetime
{
    private const string AppSecret = "test-app-secret";
    private RedisServer? _server;
    private FakeWeChatApi _api = null!;
    private FakeBackend _backend = null!;

    /// <summary>What BrandBot:Redis is set to.</summary>
    protected string RedisConfiguration { get; private set; } = "";

    public async Task InitializeAsync()
    {
        RedisConfiguration = await StartRedisAsync();
        _api = await FakeWeChatApi.StartAsync();
        _backend = await FakeBackend.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _api.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A fresh, empty store for one test; returns its configuration string.</summary>
    protected virtual async Task<string> StartRedisAsync()
    {
        _server = await RedisServer.StartAsync();
        return _server.Configuration;
    }

    [Fact]
    public async Task RetryToTheOtherInstance_WhileTheFirstIsComputing_GetsTheSameReply()
    {
        // The backend takes 2 s (inside the 3 s budget) so the retry 250 ms later finds the first still
        // computing even when a loaded machine slows the second instance's first request by a second.
        _backend.Behaviour = push => (TimeSpan.FromMilliseconds(2000), 200, """{"text": "order 42 ships today"}""");
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        var push = Wire.Text("my order 42");

        var first = PushAsync(a, push);
        await Task.Delay(250);
        var retry = await PushAsync(b, push);

        var firstXml = Decode(await first);
        Assert.Contains("order 42 ships today", firstXml);
        Assert.Equal(firstXml, Decode(retry));
        Assert.Equal(1, _backend.Calls);
        Assert.Equal(1, Series(await MetricsAsync(b), "brandbot_dedup_hits_total", "waited"));
    }

    [Fact]
    public async Task RetryAfterCompletion_GetsTheSameReply_AndTheRuleIsCountedOnce()
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        var push = Wire.Text("hours");

        var first = await PushAsync(a, push);
        // A second later, on the other instance: answered afresh there (docs/exactly-once.md), from the push alone.
        await Task.Delay(1100);
        var retry = await PushAsync(b, push);

        Assert.Contains("We open 9:00-21:00", Decode(first));
        // The reply's CreateTime, the envelope's TimeStamp, Nonce and random prefix all follow the push: the same bytes.
        Assert.Equal(first.Body, retry.Body);
        // The retry's record is written behind its answer: it learns it was a retry a moment later.
        await EventuallyAsync(async () => Series(await MetricsAsync(b), "brandbot_dedup_hits_total", "replayed") == 1, TimeSpan.FromSeconds(5));
        var hits = Series(await MetricsAsync(a), "brandbot_rule_hits_total", "hours") + Series(await MetricsAsync(b), "brandbot_rule_hits_total", "hours");
        Assert.Equal(1, hits);
    }

    [Fact]
    public async Task SlowBackend_AnswersSuccessInTime_ThenExactlyOneCustomerServiceSend()
    {
        // Twice the push budget, and a second inside the rule's 3 s timeout: under a loaded full suite 2.5 s
        // (half a second of margin) once came back too late and got the fallback reply.
        _backend.Behaviour = push => (TimeSpan.FromMilliseconds(2000), 200, """{"text": "您的订单 42 已发货 😀"}""");
        await using var a = await StartAsync(budgetMs: 1000);
        await using var b = await StartAsync(budgetMs: 1000);
        var push = Wire.Text("order 42");

        var watch = Stopwatch.StartNew();
        var answer = await PushAsync(a, push);
        var took = watch.Elapsed;
        // WeChat's own retries, to both instances, while the backend is still working.
        var retries = await Task.WhenAll(PushAsync(b, push), PushAsync(a, push));

        Assert.Equal("success", answer.Text);
        Assert.True(took < TimeSpan.FromSeconds(4.5), $"answered after {took}, past WeChat's deadline");
        Assert.All(retries, r => Assert.Equal("success", r.Text));

        await EventuallyAsync(() => _api.Sends.Count >= 1, TimeSpan.FromSeconds(10));
        await Task.Delay(1000);
        var (token, body) = Assert.Single(_api.Sends);
        Assert.Equal("TOKEN-1", token);
        Assert.Equal("您的订单 42 已发货 😀", FakeWeChatApi.Text(body));
        // docs/protocol.md §8.3: raw UTF-8 on the wire, not \u escapes.
        Assert.DoesNotContain("\\u", Encoding.UTF8.GetString(body));
        Assert.Equal(1, _backend.Calls);
        Assert.Equal(1, Series(await MetricsAsync(a), "brandbot_budget_fallbacks_total", "acme"));
        Assert.Equal(1, Series(await MetricsAsync(a), "brandbot_customer_service_sends_total", "sent"));
    }

    [Fact]
    public async Task WhenWeChatHangsUp_TheBackendReplyIsStillRememberedForTheRetry()
    {
        _backend.Behaviour = _ => (TimeSpan.FromMilliseconds(800), 200, """{"text": "worth the wait"}""");
        await using var a = await StartAsync();
        var push = Wire.Text("order 9");
        var signed = SignedPush.Create(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, PushMode.Safe, push, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "1", Wire.Prefix);
        using (var impatient = new HttpClient { BaseAddress = a.Client.BaseAddress, Timeout = TimeSpan.FromMilliseconds(200) })
        {
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => Wire.PostAsync(impatient, $"/wechat/acme?{signed.Query}", signed.Body));
        }

        await Task.Delay(1200);
        var retry = await PushAsync(a, push);
        Assert.Contains("worth the wait", Decode(retry));
        Assert.Equal(1, _backend.Calls);
        Assert.DoesNotContain(a.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailingBackend_GivesTheFallback_AndTheCircuitOpens()
    {
        _backend.Behaviour = _ => (TimeSpan.Zero, 500, "oops");
        await using var a = await StartAsync();

        for (var i = 0; i < 6; i++)
        {
            Assert.Contains("order lookup is busy", Decode(await PushAsync(a, Wire.Text($"order {i}"))));
        }

        // MinimumCalls is 3 here: after three failures the breaker stops calling the backend at all.
        Assert.Equal(3, _backend.Calls);
        Assert.Single(a.Logs.Lines, l => l.Contains(" 4005 ") && l.Contains(_backend.BaseUrl) && l.Contains("fallback"));
        var metrics = await MetricsAsync(a);
        Assert.Equal(3, Series(metrics, "brandbot_backend_calls_total", "failed"));
        Assert.Equal(3, Series(metrics, "brandbot_backend_calls_total", "circuit_open"));
    }

    [Fact]
    public async Task GarbageFromTheBackend_GivesTheFallback()
    {
        _backend.Behaviour = _ => (TimeSpan.Zero, 200, "<html>not json</html>");
        await using var a = await StartAsync();
        Assert.Contains("order lookup is busy", Decode(await PushAsync(a, Wire.Text("order 1"))));
        Assert.Equal(1, Series(await MetricsAsync(a), "brandbot_backend_calls_total", "bad_answer"));
    }

    [Fact]
    public async Task UnreachableBackend_WithoutFallback_GivesTheDefaultReply()
    {
        var closedPort = Ports.Free();
        await using var a = await StartAsync(rules: Rules($"http://127.0.0.1:{closedPort}").Replace("    fallback:\n      - text: \"order lookup is busy\"\n", ""));
        Assert.Contains("default reply", Decode(await PushAsync(a, Wire.Text("order 1"))));
    }

    [Fact]
    public async Task BackendReceivesThePushAsJson()
    {
        await using var a = await StartAsync();
        Assert.Contains("backend: track order 7", Decode(await PushAsync(a, Wire.Text("track order 7", openId: "oFollowerSeven"))));
        var request = Assert.Single(_backend.Requests);
        Assert.Equal("acme", request.GetProperty("account").GetString());
        Assert.Equal("oFollowerSeven", request.GetProperty("openId").GetString());
        Assert.Equal("text", request.GetProperty("msgType").GetString());
        Assert.Equal(1714112445, request.GetProperty("createTime").GetInt64());
    }

    [Fact]
    public async Task TwoInstancesNeedingATokenAtOnce_CallTheTokenEndpointOnce()
    {
        _api.TokenDelay = TimeSpan.FromMilliseconds(300);
        await using var a = await StartAsync();
        await using var b = await StartAsync();

        var answers = await Task.WhenAll(PushAsync(a, Wire.Text("steps", openId: "oFirst")), PushAsync(b, Wire.Text("steps", openId: "oSecond")));

        Assert.All(answers, r => Assert.Contains("step 1", Decode(r)));
        await EventuallyAsync(() => _api.Sends.Count >= 4, TimeSpan.FromSeconds(10));
        Assert.Equal(1, _api.TokenCalls);
        Assert.All(_api.Sends, s => Assert.Equal("TOKEN-1", s.Token));
        // reply_all: the rest of the group follows in order, per follower.
        foreach (var follower in new[] { "oFirst", "oSecond" })
        {
            Assert.Equal(["step 2", "step 3"], _api.Sends.Where(s => Encoding.UTF8.GetString(s.Body).Contains(follower)).Select(s => FakeWeChatApi.Text(s.Body)));
        }

        var request = Assert.Single(_api.TokenRequests);
        Assert.Equal("client_credential", request.GetProperty("grant_type").GetString());
        Assert.Equal(TestAccounts.AppId, request.GetProperty("appid").GetString());
        Assert.Equal(AppSecret, request.GetProperty("secret").GetString());
        Assert.False(request.TryGetProperty("force_refresh", out var force) && force.GetBoolean());
    }

    [Fact]
    public async Task RejectedToken_IsFetchedOnceMoreInNormalMode_AndTheSendRepeatedOnce()
    {
        _api.NextSendErrors.Enqueue(40001);
        await using var a = await StartAsync();
        await PushAsync(a, Wire.Text("steps"));

        await EventuallyAsync(() => _api.Sends.Count >= 3, TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        Assert.Equal(
            [("TOKEN-1", "step 2"), ("TOKEN-2", "step 2"), ("TOKEN-2", "step 3")],
            _api.Sends.Select(s => (s.Token, FakeWeChatApi.Text(s.Body))));
        Assert.Equal(2, _api.TokenCalls);
        Assert.All(_api.TokenRequests, r => Assert.False(r.TryGetProperty("force_refresh", out var force) && force.GetBoolean()));
    }

    [Fact]
    public async Task RefusedToken_IsLoggedWithWeChatsReason_OnceAMinute_WithoutTheSecret()
    {
        _api.TokenError = (40164, "invalid ip 203.0.113.9, not in whitelist");
        await using var a = await StartAsync();
        await PushAsync(a, Wire.Text("steps"));
        await PushAsync(a, Wire.Text("steps"));

        await EventuallyAsync(async () => Series(await MetricsAsync(a), "brandbot_customer_service_sends_total", "no_token") == 2, TimeSpan.FromSeconds(10));
        // Each push tried once and stopped (the rest of its group is skipped, not tried against a dead token).
        Assert.Equal(2, Series(await MetricsAsync(a), "brandbot_token_refreshes_total", "error_40164"));
        var refused = Assert.Single(a.Logs.Lines, l => l.Contains(" 4003 "));
        Assert.Contains("error_40164", refused);
        Assert.Contains("not in whitelist", refused);
        var notSent = Assert.Single(a.Logs.Lines, l => l.Contains(" 4004 "));
        Assert.Contains("no_token", notSent);
        Assert.Contains("40164", notSent);
        Assert.DoesNotContain(a.Logs.Lines, l => l.Contains(AppSecret, StringComparison.Ordinal));
        Assert.Empty(_api.Sends);
    }

    [Fact]
    public async Task OutOfWindow_IsRecorded_NotRetried_AndStopsTheRest()
    {
        _api.NextSendErrors.Enqueue(45015);
        await using var a = await StartAsync();
        await PushAsync(a, Wire.Text("steps"));

        await EventuallyAsync(() => _api.Sends.Count >= 1, TimeSpan.FromSeconds(10));
        await Task.Delay(500);
        Assert.Single(_api.Sends);
        Assert.Equal(1, Series(await MetricsAsync(a), "brandbot_customer_service_sends_total", "out_of_window"));
        Assert.Contains(a.Logs.Lines, l => l.Contains(" 4004 ") && l.Contains("out_of_window") && l.Contains("errcode 45015"));
    }

    [Fact]
    public async Task WithoutAppSecret_NothingIsSent_AndThatIsRecorded()
    {
        await using var a = await StartAsync(appSecret: null);
        Assert.Contains("step 1", Decode(await PushAsync(a, Wire.Text("steps"))));
        await EventuallyAsync(async () => Series(await MetricsAsync(a), "brandbot_customer_service_sends_total", "no_appsecret") == 2, TimeSpan.FromSeconds(5));
        Assert.Empty(_api.Sends);
        Assert.Equal(0, _api.TokenCalls);
    }

    [Fact]
    public async Task FloodingFollower_IsLimited_WhileAnotherIsAnswered()
    {
        await using var a = await StartAsync(perFollower: 3);
        await using var b = await StartAsync(perFollower: 3);
        // The limit counts in fixed 60 s windows aligned to the epoch: five pushes straddling a window's end
        // would be two windows' worth. Start early in one.
        var intoWindow = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 60;
        if (intoWindow > 50)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - intoWindow));
        }

        var flood = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            flood.Add(Decode(await PushAsync(i % 2 == 0 ? a : b, Wire.Text("hours", openId: "oFlooder"))));
            // Instances share their counts every RateLimit:SyncMilliseconds (100 ms); closer together, each may
            // answer up to half the limit more than the rest know (docs/exactly-once.md, "Rate limits"). On a
            // busy machine the share can run late: give it a few rounds.
            await Task.Delay(300);
        }

        Assert.Equal(3, flood.Count(x => x.Contains("We open")));
        Assert.Equal(["success", "success"], flood.Skip(3));
        Assert.Contains("We open", Decode(await PushAsync(b, Wire.Text("hours", openId: "oCalm"))));
        // Follows are never limited.
        Assert.Contains("welcome", Decode(await PushAsync(a, SampleMessages.Event(TestAccounts.Gh, "oFlooder", 1714112999, "subscribe", null))));
        var limited = Series(await MetricsAsync(a), "brandbot_rate_limited_total", "follower") + Series(await MetricsAsync(b), "brandbot_rate_limited_total", "follower");
        Assert.Equal(2, limited);
    }

    [Fact]
    public async Task RedisKeys_HoldNoOpenId()
    {
        await using var a = await StartAsync(perFollower: 5);
        await PushAsync(a, Wire.Text("hours", openId: "oSecretFollower"));
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisConfiguration);
        // Every master: on a cluster the account's keys live on one of them.
        var servers = connection.GetEndPoints().Select(e => connection.GetServer(e)).Where(s => s.IsConnected && !s.IsReplica).ToList();
        // Push records are written behind the answer and rate counts synced in the background.
        var keys = new List<string>();
        await TestHelpers.EventuallyAsync(
            () => (keys = [.. servers.SelectMany(server => server.Keys(pattern: "brandbot:*")).Select(k => (string)k!)]).Any(k => k.Contains(":push:")) && keys.Any(k => k.Contains(":rate:f:")),
            TimeSpan.FromSeconds(5));
        var db = connection.GetDatabase();
        foreach (var key in keys.Where(k => k.Contains(":push:") || k.Contains(":rate:")))
        {
            Assert.DoesNotContain("oSecretFollower", key);
            var stored = await db.KeyTypeAsync(key) == StackExchange.Redis.RedisType.Hash
                ? string.Concat((await db.HashGetAllAsync(key)).Select(e => Encoding.UTF8.GetString((byte[])e.Name!) + Encoding.UTF8.GetString((byte[])e.Value!)))
                : Encoding.UTF8.GetString((byte[]?)await db.StringGetAsync(key) ?? []);
            Assert.DoesNotContain("oSecretFollower", stored);
        }
    }

    /// <summary>A fixed-reply rule (hours), a backend rule (order) and a reply_all rule (steps).</summary>
    internal static string Rules(string backendUrl) => $$"""
        follow:
          replies: [ text: "welcome" ]
        default:
          replies: [ text: "default reply" ]
        rules:
          - name: hours
            keywords: [ equal: "hours" ]
            replies: [ text: "We open 9:00-21:00" ]
          - name: order
            keywords: [ contain: "order" ]
            replies:
              - webhook: { url: "{{backendUrl}}", timeoutMs: 3000 }
            fallback:
              - text: "order lookup is busy"
          - name: steps
            keywords: [ equal: "steps" ]
            replies: [ text: "step 1", text: "step 2", text: "step 3" ]
        """;

    private async Task<TestServer> StartAsync(int budgetMs = 3000, int perFollower = 0, string? appSecret = AppSecret, string? rules = null)
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(rules ?? Rules(_backend.BaseUrl + "/hook")));
        settings["BrandBot:Redis"] = RedisConfiguration;
        settings["BrandBot:Accounts:0:AppSecret"] = appSecret;
        settings["BrandBot:WeChatApiBaseUrl"] = _api.BaseUrl;
        settings["BrandBot:PushBudgetMilliseconds"] = budgetMs.ToString(CultureInfo.InvariantCulture);
        settings["BrandBot:RateLimit:PerFollower"] = perFollower.ToString(CultureInfo.InvariantCulture);
        settings["BrandBot:Backends:MinimumCalls"] = "3";
        return await TestServer.StartAsync(settings, realClock: true);
    }

    private static Task<PushResponse> PushAsync(TestServer server, string xml) => Wire.PushSafeNowAsync(server.Client, xml);

    private static string Decode(PushResponse response) => Wire.DecodeSafe(response);

    private static string WithoutCreateTime(string inner) => Wire.WithoutCreateTime(inner);

    private static async Task<string> MetricsAsync(TestServer server) => await server.Client.GetStringAsync("/metrics");

    private static long Series(string metrics, string family, string label) => TestHelpers.MetricSum(metrics, family, label);

    private static Task EventuallyAsync(Func<bool> condition, TimeSpan within) => TestHelpers.EventuallyAsync(condition, within);

    private static Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within) => TestHelpers.EventuallyAsync(condition, within);
}

/// <summary>Every delivery test on a real Redis Cluster (three masters, three replicas), emptied before each test.</summary>
[Collection("cluster")]
public sealed class DeliveryOnClusterTests(ClusterFixture fixture) : DeliveryTests, IClassFixture<ClusterFixture>
{
    protected override async Task<string> StartRedisAsync()
    {
        await fixture.Cluster.FlushAsync();
        return fixture.Cluster.Configuration;
    }
}
