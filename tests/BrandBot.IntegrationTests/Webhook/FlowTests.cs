using System.Text.Json;
using BrandBot.Protocol.Simulation;
using BrandBot.Redis;
using BrandBot.Rules.Store;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Webhook;

/// <summary>
/// Conversations (docs/flows.md) on real servers: two instances on a real redis-server (and the embedded
/// store), the demo flight backend and customer-service API of the fake WeChat process on loopback.
/// </summary>
public sealed class FlowTests : RedisAndFakeWeChat
{
    private string Rules(string backend) => $$"""
        flowDefaults:
          cancelWords: [ "cancel", "取消" ]
          cancelled: [ text: "OK, cancelled." ]
          timeoutMinutes: 10
          onTimeout: [ text: "That took a while, so we started over." ]
          busy: [ text: "Still looking that up, one moment." ]
        flows:
          flight-status:
            steps:
              - ask: flightNo
                prompt: [ text: "Your flight number?" ]
                accept: { regex: "^[a-z0-9]{2}\\s?\\d{1,4}$" }
                invalid: [ text: "Not a flight number." ]
                attempts: 3
                exhausted: [ text: "Let's stop here." ]
              - ask: date
                prompt: [ text: "Which day for {flightNo}?" ]
                accept:
                  date: { from: today, to: "+30d" }
                  choices: [ { value: today, say: [ "1" ] }, { value: tomorrow, say: [ "2" ] } ]
                invalid: [ text: "Not a day." ]
              - call:
                  webhook: { url: "{{backend}}", timeoutMs: 4000 }
                fallback: [ text: "Lookup is busy." ]
        default:
          replies: [ text: "default reply" ]
        rules:
          - { name: flight, keywords: [ equal: "flight status" ], flow: flight-status }
          - { name: hours, keywords: [ equal: "hours" ], replies: [ text: "We open 9:00-21:00" ] }
          - { name: agent, keywords: [ contain: "human" ], escape: true, replies: [ text: "An agent will answer." ] }
        """;

    [Fact]
    public async Task SlotAnswer_DeliveredThreeTimesToTwoInstances_AdvancesOnce_AndEveryDeliveryGetsTheSameReply()
    {
        var rules = TestAccounts.WriteRules(Rules(Api.BaseUrl + "/demo/flight"));
        await using var a = await StartAsync(rules);
        await using var b = await StartAsync(rules);
        var follower = OpenId(1);
        Assert.Equal("Your flight number?", await Say(a, follower, "flight status"));

        var answer = Text(follower, "CA1234");
        var replies = await Task.WhenAll(Deliver(a, answer), Deliver(b, answer), Deliver(a, answer));
        Assert.All(replies, r => Assert.Equal(Wire.WithoutCreateTime(replies[0]), Wire.WithoutCreateTime(r)));
        Assert.Contains("Which day for CA1234?", replies[0]);
        // After the first attempt too, on the other instance.
        Assert.Equal(Wire.WithoutCreateTime(replies[0]), Wire.WithoutCreateTime(await Deliver(b, answer)));
        var state = await StateAsync(follower);
        Assert.Equal(("date", 2L), (state!.RootElement.GetProperty("step").GetString(), state.RootElement.GetProperty("rev").GetInt64()));

        var day = Text(follower, "2");
        var final = await Task.WhenAll(Deliver(b, day), Deliver(a, day), Deliver(b, day));
        Assert.All(final, r => Assert.Equal(Wire.WithoutCreateTime(final[0]), Wire.WithoutCreateTime(r)));
        Assert.Contains($"CA1234 on {DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(1):yyyy-MM-dd}", final[0]);
        Assert.Equal(1, Assert.Single(Api.FlightCalls).Value);
        Assert.Null(await StateAsync(follower));
    }

    [Fact]
    public async Task ConcurrentDistinctMessages_EndInAStateSomeSerialOrderExplains()
    {
        var rules = TestAccounts.WriteRules(Rules(Api.BaseUrl + "/demo/flight"));
        await using var a = await StartAsync(rules);
        await using var b = await StartAsync(rules);
        var follower = OpenId(2);
        await Say(a, follower, "flight status");

        var messages = new[] { "CA1", "CA2", "CA3", "CA4", "CA5" }.Select(t => Text(follower, t)).ToList();
        var replies = await Task.WhenAll(messages.Select((m, i) => Deliver(i % 2 == 0 ? a : b, m)));

        // Whatever the order: one answer is the flight number, the next three are not days (the third
        // ends the flow with the default reply for answers that never fitted — not the cancel reply), and the
        // last finds no flow and gets the default reply.
        var texts = replies.Select(Content).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[] { "Sorry, I couldn't use those answers, so I've stopped this conversation. Send your request again to start over.", "Not a day.", "Not a day.", "default reply" }.Append(texts.Single(t => t.StartsWith("Which day for CA", StringComparison.Ordinal))).Order(StringComparer.Ordinal),
            texts);
        Assert.Null(await StateAsync(follower));
    }

    [Fact]
    public async Task CancelWord_Interrupt_Unfollow_AndRefollow_AllLeaveNoState()
    {
        var rules = TestAccounts.WriteRules(Rules(Api.BaseUrl + "/demo/flight"));
        await using var a = await StartAsync(rules);
        var follower = OpenId(3);

        await Say(a, follower, "flight status");
        Assert.Equal("OK, cancelled.", await Say(a, follower, " 取消 "));
        Assert.Null(await StateAsync(follower));

        await Say(a, follower, "flight status");
        Assert.Equal("An agent will answer.", await Say(a, follower, "a human please"));
        Assert.Null(await StateAsync(follower));

        await Say(a, follower, "flight status");
        await Say(a, follower, "CA1234");
        await Deliver(a, SampleMessages.Event(TestAccounts.Gh, follower, Now() + 1, "unsubscribe"));
        Assert.Null(await StateAsync(follower));
        await Deliver(a, SampleMessages.Event(TestAccounts.Gh, follower, Now() + 2, "subscribe"));
        Assert.Equal("default reply", await Say(a, follower, "2"));
    }

    [Fact]
    public async Task SlowBackend_AnswersSuccessInTime_DeliversOnce_AndAMessageMeanwhileIsBusy()
    {
        await using var backend = await FakeBackend.StartAsync();
        // The backend answers a second inside the rule's 4 s timeout and long after the 800 ms push budget.
        backend.Behaviour = _ => (TimeSpan.FromSeconds(3), 200, """{"text":"late flight answer"}""");
        var rules = TestAccounts.WriteRules(Rules(backend.BaseUrl + "/hook"));
        await using var a = await StartAsync(rules, budgetMs: 800);
        await using var b = await StartAsync(rules, budgetMs: 800);
        var follower = OpenId(4);
        await Say(a, follower, "flight status");
        await Say(a, follower, "CA1234");

        var push = Text(follower, "2");
        var answer = await Wire.PushAsync(a.Client, push, timestamp: Now());
        Assert.Equal("success", answer.Text);
        Assert.Equal(0, backend.Answered); // WeChat got its answer without waiting for the backend
        Assert.Equal("Still looking that up, one moment.", await Say(b, follower, "hello?"));
        Assert.Equal(0, backend.Answered);
        Assert.Equal("success", (await Wire.PushAsync(b.Client, push, timestamp: Now())).Text);

        await TestHelpers.EventuallyAsync(() => Api.Delivered.Any(), TimeSpan.FromSeconds(10));
        await Task.Delay(500);
        Assert.Equal("late flight answer", FakeWeChatApi.Text(Assert.Single(Api.Delivered).Body));
        Assert.Equal(1, backend.Calls);
        Assert.Null(await StateAsync(follower));
        var metrics = await a.Client.GetStringAsync("/metrics");
        Assert.Equal(1, TestHelpers.MetricSum(metrics, "brandbot_flow_events_total", "backend_late"));
    }

    [Fact]
    public async Task Publish_MidFlow_ContinuesACompatibleFlow_AndEndsAnIncompatibleOneWithChanged()
    {
        var yaml = Rules(Api.BaseUrl + "/demo/flight");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var publisher = new RulePublisher(new RedisRuleStore(connection), TimeProvider.System);
        await publisher.PublishAsync("acme", yaml, "test", "v1");
        await using var a = await StartAsync(TestAccounts.WriteRules(yaml));
        var (compatible, renamed) = (OpenId(5), OpenId(6));
        await Say(a, compatible, "flight status");
        await Say(a, renamed, "flight status");

        await publisher.PublishAsync("acme", yaml.Replace("Your flight number?", "Flight number, please?"), "test", "v2");
        await LiveVersion(a, 2);
        Assert.Equal("Which day for CA1234?", await Say(a, compatible, "CA1234"));

        await publisher.PublishAsync("acme", yaml.Replace("- ask: flightNo", "- ask: number").Replace("{flightNo}", "{number}"), "test", "v3");
        await LiveVersion(a, 3);
        Assert.Equal("This service was just updated — please start again.", await Say(a, renamed, "CA1234"));
        Assert.Null(await StateAsync(renamed));
    }

    [Fact]
    public async Task Timeout_EndsTheFlow_TheNextMessageIsRoutedAfterTheNotice_AndRedisKeepsNothing()
    {
        var settings = Settings(TestAccounts.WriteRules(Rules(Api.BaseUrl + "/demo/flight")));
        await using var server = await TestServer.StartAsync(settings);
        var follower = OpenId(7);
        Assert.Equal("Your flight number?", Content(await DeliverAt(server, Text(follower, "flight status"))));

        server.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("That took a while, so we started over.\n\nWe open 9:00-21:00", Content(await DeliverAt(server, Text(follower, "hours"))));
        Assert.Null(await StateAsync(follower));
    }

    [Fact]
    public async Task RedisAway_AFollowerInAFlowHearsBusy_AndNoFlowStartsFromMemory()
    {
        var rules = TestAccounts.WriteRules(Rules(Api.BaseUrl + "/demo/flight"));
        await using var a = await StartAsync(rules);
        var follower = OpenId(8);
        await Say(a, follower, "flight status");

        await Redis.StopAsync();
        Assert.Equal("Still looking that up, one moment.", await Say(a, follower, "CA1234"));
        Assert.Equal("default reply", await Say(a, OpenId(9), "flight status"));
        Assert.Equal("We open 9:00-21:00", await Say(a, OpenId(10), "hours"));
    }

    [Fact]
    public async Task FollowersInNoFlow_CostNoFlowStoreRead_AndLogsHoldNoOpenIdOrSlot()
    {
        var rules = TestAccounts.WriteRules(Rules(Api.BaseUrl + "/demo/flight"));
        await using var a = await StartAsync(rules);
        var store = a.Services.GetRequiredService<RedisFlowStore>();
        var inFlow = OpenId(11);
        await Say(a, inFlow, "flight status");
        await Say(a, inFlow, "XY9876");
        var reads = store.Reads;

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("We open 9:00-21:00", await Say(a, OpenId(100 + i), "hours"));
        }

        Assert.Equal(reads, store.Reads);
        Assert.DoesNotContain(a.Logs.Lines, l => l.Contains(inFlow, StringComparison.Ordinal) || l.Contains("XY9876", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task RulesTestConversation_PrintsEveryStep_AndCallsTheBackendOnce()
    {
        var rules = TestAccounts.WriteRules(Rules(Api.BaseUrl + "/demo/flight"));
        var output = new StringWriter();

        var code = await BrandBot.Commands.Cli.RunAsync(["rules", "test", "--file", rules, "--conversation", "flight status", "nope", "CA1234", "1"], output, new StringWriter());

        Assert.Equal(0, code);
        var text = output.ToString().ReplaceLineEndings("\n");
        Assert.Contains("> nope\n  reply: text: Not a flight number.\n  events: step_invalid\n  state: flow flight-status, step flightNo, tries 1", text);
        Assert.Contains("slots {flightNo=CA1234}", text);
        Assert.Contains($"call: POST {Api.BaseUrl}/demo/flight with {{date={DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)):yyyy-MM-dd}, flightNo=CA1234}}", text);
        Assert.Contains("events: step_valid, completed\n  state: no flow", text);
        Assert.Equal(1, Assert.Single(Api.FlightCalls).Value);
    }

    [Fact]
    public async Task Commit_WritesStateAndAnswerTogether_OrNeither()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var store = new RedisFlowStore(connection, new BrandBot.Delivery.Flows.FlowFollowers(TimeProvider.System), TimeProvider.System);
        var state = new BrandBot.Delivery.Flows.FlowState("f", 1, "i", "a", 0, new Dictionary<string, string>(), 1, 0, 0, false);
        var life = TimeSpan.FromMinutes(1);
        var until = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds();

        // An attempt that read revision 3 while the store holds none: refused, and nothing of it is stored.
        var stale = await store.CommitAsync("acme", "follower", "push1", 3, state, life, "R1"u8.ToArray(), life, false, until);
        Assert.Equal(BrandBot.Delivery.Flows.CommitOutcome.Conflict, stale.Outcome);
        var nothing = await store.ReadAsync("acme", "follower", "push1");
        Assert.Equal((null, null), (nothing.State, nothing.Answer));

        Assert.Equal(BrandBot.Delivery.Flows.CommitOutcome.Committed, (await store.CommitAsync("acme", "follower", "push1", 0, state, life, "R1"u8.ToArray(), life, false, until)).Outcome);
        var both = await store.ReadAsync("acme", "follower", "push1");
        Assert.Equal((1L, "R1"), (both.State!.Rev, System.Text.Encoding.ASCII.GetString(both.Answer!)));

        // A second attempt of the same push gets the first one's answer and changes nothing.
        var again = await store.CommitAsync("acme", "follower", "push1", 1, state with { Rev = 2, Step = "b" }, life, "R2"u8.ToArray(), life, false, until);
        Assert.Equal((BrandBot.Delivery.Flows.CommitOutcome.Answered, "R1"), (again.Outcome, System.Text.Encoding.ASCII.GetString(again.Answer!)));
        Assert.Equal("a", (await store.ReadAsync("acme", "follower", "push1")).State!.Step);
    }

    [Fact]
    public async Task EmbeddedStore_RunsTheWholeConversation()
    {
        var settings = Settings(TestAccounts.WriteRules(Rules(Api.BaseUrl + "/demo/flight")), redis: false);
        await using var server = await TestServer.StartAsync(settings, realClock: true);
        var follower = OpenId(12);
        Assert.Equal("Your flight number?", await Say(server, follower, "flight status"));
        Assert.Equal("Not a flight number.", await Say(server, follower, "hmm"));
        Assert.Equal("Which day for MU5101?", await Say(server, follower, "MU5101"));
        Assert.StartsWith("MU5101 on ", await Say(server, follower, "1"));
        Assert.Equal("default reply", await Say(server, follower, "1"));
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Equal(1, TestHelpers.MetricSum(metrics, "brandbot_flow_events_total", "completed"));
        Assert.Equal(1, TestHelpers.MetricSum(metrics, "brandbot_flow_events_total", "step_invalid"));
    }

    private Dictionary<string, string?> Settings(string rulesFile, bool redis = true, int budgetMs = 4000)
    {
        var settings = SettingsFor(rulesFile, redis);
        settings["BrandBot:PushBudgetMilliseconds"] = budgetMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    private Task<TestServer> StartAsync(string rulesFile, int budgetMs = 4000) => TestServer.StartAsync(Settings(rulesFile, budgetMs: budgetMs), realClock: true);

    private static Task LiveVersion(TestServer server, long version) =>
        TestHelpers.EventuallyAsync(() => server.Services.GetRequiredService<LiveRuleSets>().Get("acme", DateTimeOffset.UtcNow, out _).Version == version, TimeSpan.FromSeconds(10));

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string OpenId(int n) => $"oFlowTest{n:D19}";

    private static string Text(string openId, string content) => SampleMessages.Text(TestAccounts.Gh, openId, Now(), content, Wire.Unique());

    private static async Task<string> Say(TestServer server, string openId, string content) => Content(await Deliver(server, Text(openId, content)));

    private static async Task<string> Deliver(TestServer server, string xml)
    {
        var response = await Wire.PushAsync(server.Client, xml, timestamp: Now());
        Assert.Equal(200, response.Status);
        return response.Text;
    }

    private static async Task<string> DeliverAt(TestServer server, string xml)
    {
        var response = await Wire.PushAsync(server.Client, xml, timestamp: server.Time.GetUtcNow().ToUnixTimeSeconds());
        Assert.Equal(200, response.Status);
        return response.Text;
    }

    private static string Content(string xml) =>
        xml == "success" ? "success" : System.Text.RegularExpressions.Regex.Match(xml, @"<Content><!\[CDATA\[(.*?)\]\]></Content>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;

    private async Task<JsonDocument?> StateAsync(string openId)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var follower = BrandBot.Delivery.Dedup.PushKey.Hash("f\n" + openId);
        var value = await connection.GetDatabase().StringGetAsync($"brandbot:{{acme}}:flow:s:{follower}");
        return value.IsNull ? null : JsonDocument.Parse((string)value!);
    }
}
