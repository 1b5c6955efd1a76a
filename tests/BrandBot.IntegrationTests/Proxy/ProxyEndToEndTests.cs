using System.Globalization;
using BrandBot.Commands;
using BrandBot.IntegrationTests.Deploy;
using BrandBot.Protocol.Simulation;
using BrandBot.Redis;
using BrandBot.Rules.Store;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Proxy;

/// <summary>
/// Behind nginx end to end: the project's own nginx site (deploy/nginx) in front of two BrandBot
/// processes started like the container (ENTRYPOINT, environment, secret files) and a real
/// redis-server, everything under the path base /bot.
/// </summary>
public sealed class ProxyEndToEndTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ContainerProcess _a = null!;
    private ContainerProcess _b = null!;
    private NginxServer _nginx = null!;
    private HttpClient _proxy = null!;

    private string Url => $"http://127.0.0.1:{_nginx.Port}/bot/wechat/acme";

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["BrandBot__Redis"] = _redis.Configuration,
            ["BrandBot__PathBase"] = "/bot",
            ["BrandBot__TrustedProxies__0"] = "127.0.0.1",
            ["BrandBot__RulesCatchUpSeconds"] = "60",
            ["BrandBot__Accounts__0__Name"] = "acme",
            ["BrandBot__Accounts__0__AppId"] = TestAccounts.AppId,
            ["BrandBot__Accounts__0__RulesFile"] = TestAccounts.WriteRules(Versioned(1)),
        };
        var secrets = new Dictionary<string, string>
        {
            ["BrandBot__Accounts__0__Token"] = TestAccounts.Token,
            ["BrandBot__Accounts__0__EncodingAESKey"] = TestAccounts.Key,
        };
        _a = await ContainerProcess.StartAsync(environment, secrets);
        _b = await ContainerProcess.StartAsync(environment, secrets);
        _nginx = await NginxServer.StartAsync([_a.Port, _b.Port]);
        _proxy = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        _proxy.Dispose();
        await _nginx.DisposeAsync();
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task VerificationGet_ThroughTheProxy_EchoesExactly_WithoutARedirect()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Protocol.Crypto.Signature.Compute(TestAccounts.Token, now, "123");
        using var response = await _proxy.GetAsync($"{Url}?signature={signature}&timestamp={now}&nonce=123&echostr=5837397520665436492");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("5837397520665436492", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SelfTest_ShowsWhatTheReplicaSees_ForwardedFromTheTrustedProxy()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_nginx.Port}/bot/selftest?signature=s&timestamp=t");
        // A client's own claim about the scheme is not passed on: nginx states what it terminated.
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var response = await _proxy.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(text.Contains("scheme=http\n"), text);
        Assert.Contains("pathbase=/bot\n", text);
        Assert.Contains("path=/selftest\n", text);
        Assert.Contains("query=signature,timestamp\n", text);
        // nginx appends the connection address; the right-most untrusted entry is the client.
        Assert.Contains("client=203.0.113.9\n", text);

        // From the trusted proxy address (loopback here) a forwarded scheme is believed.
        using var direct = new HttpRequestMessage(HttpMethod.Get, "/bot/selftest");
        direct.Headers.Add("X-Forwarded-Proto", "https");
        Assert.Contains("scheme=https\n", await (await _a.Client.SendAsync(direct)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PlainAndSafePushes_RetryOnTheOtherInstance_AndAPublish_AllThroughTheProxy()
    {
        Assert.Equal("v1", Content(await PushAsync(Wire.Text("k1"), PushMode.Plain)));
        Assert.Equal("v1", Content(await PushAsync(Wire.Text("k1"), PushMode.Safe)));

        // nginx routes by follower (hash $arg_openid): the retry lands on the replica that answered first.
        var before = (await PushCountAsync(_a), await PushCountAsync(_b));
        var push = Wire.Text("k1");
        var first = await PushAsync(push, PushMode.Safe);
        var retry = await PushAsync(push, PushMode.Safe);
        var after = (await PushCountAsync(_a), await PushCountAsync(_b));
        Assert.Contains((after.Item1 - before.Item1, after.Item2 - before.Item2), new[] { (2L, 0L), (0L, 2L) });
        Assert.Equal(Inner(first), Inner(retry));
        Assert.Equal(1, await SeriesAsync(_a, "brandbot_dedup_hits_total", "replayed") + await SeriesAsync(_b, "brandbot_dedup_hits_total", "replayed"));

        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        await new RulePublisher(new RedisRuleStore(connection), TimeProvider.System).PublishAsync("acme", Versioned(2), "e2e", "v2");
        // Catch-up polling is a minute here: both replicas switch on the notification.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        var answers = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            // Followers spread over both replicas (routing is by follower): ten of them reach both.
            answers = [];
            for (var f = 0; f < 10; f++)
            {
                answers.Add(Content(await PushAsync(Wire.Text("k2", openId: Follower(f)), PushMode.Safe)));
            }

            if (answers.All(a => a == "v2"))
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.All(answers, a => Assert.Equal("v2", a));
        Assert.True(await SeriesAsync(_a, "brandbot_rule_hits_total", "k2") > 0 && await SeriesAsync(_b, "brandbot_rule_hits_total", "k2") > 0, "each replica answered with v2");
    }

    [Fact]
    public async Task RedisOutage_RetriesThroughTheProxy_StayOnOneReplica_ZeroDuplicates()
    {
        await _redis.StopAsync();
        const int pushes = 30;
        for (var i = 0; i < pushes; i++)
        {
            var push = Wire.Text("k1", openId: Follower(i));
            var first = await PushAsync(push, PushMode.Safe);
            var retry = await PushAsync(push, PushMode.Safe);
            Assert.Equal(Inner(first), Inner(retry));
        }

        // Each retry reached the replica that remembered its first attempt: counted once, replayed once.
        Assert.Equal(pushes, await SeriesAsync(_a, "brandbot_rule_hits_total", "k1") + await SeriesAsync(_b, "brandbot_rule_hits_total", "k1"));
        Assert.Equal(pushes, await SeriesAsync(_a, "brandbot_dedup_hits_total", "replayed") + await SeriesAsync(_b, "brandbot_dedup_hits_total", "replayed"));
        Assert.True(await PushCountAsync(_a) > 0 && await PushCountAsync(_b) > 0, "followers spread over both replicas");
    }

    private static string Follower(int n) => $"oProxyFollower{n:D14}";

    [Fact]
    public async Task SimulateCheck_ThroughTheProxy_PassesEveryStep()
    {
        var output = new StringWriter();
        var code = await Commands.Cli.RunAsync(["simulate", "check", "--settings", TestHelpers.SimulateSettings(), "--url", Url, "--text", "k1"], output, output);

        var text = output.ToString();
        Assert.True(code == 0, text);
        Assert.Equal(7, text.Split('\n').Count(l => l.StartsWith("PASS", StringComparison.Ordinal)));
        Assert.Contains("ready for the WeChat console", text);
    }

    [Fact]
    public async Task SimulateCheck_Json_ListsEveryCheck()
    {
        var output = new StringWriter();
        var code = await Commands.Cli.RunAsync(["simulate", "check", "--settings", TestHelpers.SimulateSettings(), "--url", Url, "--text", "k1", "--json"], output, output);

        Assert.True(code == 0, output.ToString());
        using var report = System.Text.Json.JsonDocument.Parse(output.ToString());
        Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
        var checks = report.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(7, checks.Count);
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean()));
        Assert.Contains(checks, c => c.GetProperty("step").GetString()!.StartsWith("retry answered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SimulateCheck_SeesARedirectAsTheFailureItIs()
    {
        // Without the path base the request misses the webhook location, as a misconfigured proxy would.
        var output = new StringWriter();
        var code = await Commands.Cli.RunAsync(["simulate", "check", "--settings", TestHelpers.SimulateSettings(), "--url", $"http://127.0.0.1:{_nginx.Port}/bot/wechat/nobody"], output, output);
        Assert.Equal(1, code);
        Assert.Contains("FAIL  URL verification", output.ToString());
    }

    private static string Versioned(int version) => $$"""
        default:
          replies: [ text: "default v{{version}}" ]
        rules:
          - { name: k{{version}}, keywords: [ equal: "k{{version}}" ], replies: [ text: "v{{version}}" ] }
        """;

    private async Task<PushResponse> PushAsync(string xml, PushMode mode)
    {
        var push = SignedPush.Create(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, mode, xml, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "424242", Wire.Prefix);
        return await Wire.PostAsync(_proxy, $"{Url}?{push.Query}", push.Body);
    }

    private static string Content(PushResponse response) => response.Reply()["Content"] ?? "";

    /// <summary>
    /// The reply as the follower sees it: a replayed fixed reply is rebuilt, so its CreateTime may be a
    /// second later than the first attempt's (docs/exactly-once.md); its content may not differ.
    /// </summary>
    private static string Inner(PushResponse response) =>
        Wire.WithoutCreateTime(SignedPush.DecodeReply(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, null, response.Body));

    private static async Task<long> PushCountAsync(ContainerProcess instance) => await SeriesAsync(instance, "brandbot_pushes_total", "acme");

    private static async Task<long> SeriesAsync(ContainerProcess instance, string family, string label)
    {
        return TestHelpers.MetricSum(await instance.Client.GetStringAsync("/metrics"), family, label);
    }
}
