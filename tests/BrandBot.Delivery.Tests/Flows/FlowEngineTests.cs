using BrandBot.Delivery.Flows;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;
using BrandBot.Testing;

namespace BrandBot.Delivery.Tests.Flows;

/// <summary>The flow state machine (docs/flows.md) as a pure function: the flight-status conversation and every way out of it.</summary>
public class FlowEngineTests
{
    public const string FlightRules = """
        flowDefaults:
          cancelWords: [ "cancel", "取消" ]
          cancelled: [ text: "OK, cancelled." ]
          timeoutMinutes: 10
          onTimeout: [ text: "That took a while, so we started over." ]
          maxMessages: 6
        flows:
          flight-status:
            interrupts: cancel
            steps:
              - ask: flightNo
                prompt: [ text: "Your flight number? (e.g. CA1234)" ]
                accept: { regex: "^[a-z0-9]{2}\\s?\\d{1,4}$" }
                invalid: [ text: "That doesn't look like a flight number, try e.g. CA1234." ]
                attempts: 3
                exhausted: [ text: "Let's stop here." ]
              - ask: date
                prompt: [ text: "Which day for {flightNo}? Reply 1 today, 2 tomorrow, or a date like 12-01." ]
                accept:
                  date: { from: today, to: "+30d" }
                  choices:
                    - { value: today, say: [ "1", "today" ] }
                    - { value: tomorrow, say: [ "2", "tomorrow" ] }
              - call:
                  webhook: { url: "http://127.0.0.1:9/flight", timeoutMs: 2000 }
                fallback: [ text: "Flight lookup is busy, please try again later." ]
          survey:
            interrupts: resume
            steps:
              - ask: score
                prompt: [ text: "From 1 to 5?" ]
                accept: { number: { min: 1, max: 5 } }
              - say: [ text: "Thanks, {score} it is." ]
        default:
          replies: [ text: "default" ]
        rules:
          - { name: flight, keywords: [ equal: "flight status" ], menuKeys: [ FLIGHT ], flow: flight-status }
          - { name: survey, keywords: [ equal: "survey" ], flow: survey }
          - { name: agent, keywords: [ contain: "human" ], escape: true, replies: [ transfer: {} ] }
          - { name: hours, keywords: [ equal: "hours" ], menuKeys: [ HOURS ], replies: [ text: "9-21" ] }
        """;

    private static readonly DateOnly Today = new(2026, 12, 2);
    private const long Now = 1_796_000_000;

    private readonly CompiledRuleSet _rules = Compile(FlightRules);

    [Fact]
    public void FlightExample_HasNoErrors()
    {
        var result = RulesFile.Parse(FlightRules);
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
    }

    [Fact]
    public void FlightStatus_AsksTwice_ThenCallsTheBackendWithTheSlots()
    {
        var (state, start) = Step(null, "flight status");
        Assert.Equal("Your flight number? (e.g. CA1234)", Text(start));
        Assert.Equal(["started"], start.Events);
        Assert.Equal("flightNo", state!.Step);

        var (afterNo, date) = Step(state, "CA1234");
        Assert.Equal("Which day for CA1234? Reply 1 today, 2 tomorrow, or a date like 12-01.", Text(date));
        Assert.Equal("CA1234", afterNo!.Slots["flightNo"]);

        var (calling, call) = Step(afterNo, "2");
        Assert.NotNull(call.Call);
        Assert.True(calling!.Pending);
        Assert.Equal("2026-12-03", calling.Slots["date"]);

        var done = FlowEngine.AfterCall(_rules.Flows, calling, call.Call!, [new TextReply("CA1234 tomorrow: on time")], FlowDirective.End, []);
        Assert.Null(done.State);
        Assert.True(done.Write);
        Assert.Equal(["completed"], done.Events);
    }

    [Fact]
    public void InvalidAnswers_RepromptThenEndAfterAttempts()
    {
        var (state, _) = Step(null, "flight status");
        var (once, first) = Step(state, "no idea");
        Assert.Equal("That doesn't look like a flight number, try e.g. CA1234.", Text(first));
        Assert.Equal(1, once!.Tries);
        var (twice, _) = Step(once, "still no");
        var (gone, last) = Step(twice, "nope");
        Assert.Null(gone);
        Assert.True(last.Write);
        Assert.Equal("Let's stop here.", Text(last));
        Assert.Contains("exhausted", last.Events);
    }

    [Fact]
    public void CancelWord_EndsAnyStep_InOneMessage()
    {
        var (state, _) = Step(null, "flight status");
        (state, _) = Step(state, "CA1234");
        var (gone, cancelled) = Step(state, "  取消 ");
        Assert.Null(gone);
        Assert.Equal("OK, cancelled.", Text(cancelled));
        Assert.Equal(["cancelled"], cancelled.Events);
    }

    [Fact]
    public void MaxMessages_BoundsAFlow()
    {
        var (state, decision) = Step(null, "survey");
        var steps = 0;
        while (state is not null && steps++ < 20)
        {
            (state, decision) = Step(state, "not a number");
            if (state is not null)
            {
                // Re-asked: attempts are reset by nothing, so the survey's 3 attempts end it first.
                Assert.Contains("step_invalid", decision.Events);
            }
        }

        Assert.Null(state);
        Assert.True(steps <= 6);
    }

    [Fact]
    public void Timeout_EndsTheFlow_AndTheMessageIsRoutedNormallyAfterTheNotice()
    {
        var (state, _) = Step(null, "flight status");
        var late = FlowEngine.Decide(_rules.Flows, 1, state, Text("hours"), "hours", _rules.MatchOrDefault("hours"), Now + 601, Today, "i2");
        Assert.True(late.RouteNormally);
        Assert.True(late.Write);
        Assert.Null(late.State);
        Assert.Equal(["timed_out"], late.Events);
        Assert.Equal("That took a while, so we started over.", Text(late));
    }

    [Fact]
    public void Click_CancelsAFlowThatSaysCancel_AndResumeKeepsItWaiting()
    {
        var (flight, _) = Step(null, "flight status");
        var click = Event("CLICK", "HOURS");
        var cancelled = FlowEngine.Decide(_rules.Flows, 1, flight, click, null, _rules.Route(click), Now, Today, "i2");
        Assert.True(cancelled.RouteNormally);
        Assert.Null(cancelled.State);
        Assert.Equal(["interrupted"], cancelled.Events);

        var (survey, _) = Step(null, "survey");
        var resumed = FlowEngine.Decide(_rules.Flows, 1, survey, click, null, _rules.Route(click), Now, Today, "i2");
        Assert.True(resumed.RouteNormally);
        Assert.False(resumed.Write);
        var (_, thanks) = Step(survey, "4");
        Assert.Equal("Thanks, 4 it is.", Text(thanks));
    }

    [Fact]
    public void EscapeRule_Interrupts_ButAnOrdinaryKeywordIsAnAnswer()
    {
        var (state, _) = Step(null, "flight status");
        var escape = FlowEngine.Decide(_rules.Flows, 1, state, Text("a human please"), "a human please", _rules.MatchOrDefault("a human please"), Now, Today, "i2");
        Assert.True(escape.RouteNormally);
        Assert.Null(escape.State);

        var (_, asAnswer) = Step(state, "hours");
        Assert.Contains("step_invalid", asAnswer.Events);
        Assert.False(asAnswer.RouteNormally);
    }

    [Fact]
    public void NewRulesVersion_ContinuesACompatibleFlow_AndEndsAnIncompatibleOne()
    {
        var (state, _) = Step(null, "flight status");
        (state, _) = Step(state, "CA1234");
        var compatible = FlowEngine.Decide(_rules.Flows, 2, state, Text("1"), "1", _rules.MatchOrDefault("1"), Now, Today, "i2");
        Assert.Equal(2, compatible.State!.Version);

        var renamed = Compile(FlightRules.Replace("- ask: date", "- ask: day"));
        var changed = FlowEngine.Decide(renamed.Flows, 2, state, Text("1"), "1", renamed.MatchOrDefault("1"), Now, Today, "i2");
        Assert.Null(changed.State);
        Assert.True(changed.Write);
        Assert.False(changed.RouteNormally);
        Assert.Equal("This service was just updated — please start again.", Text(changed));
    }

    [Fact]
    public void Unfollow_DeletesTheState()
    {
        var (state, _) = Step(null, "flight status");
        var bye = Event("unsubscribe", null);
        var decision = FlowEngine.Decide(_rules.Flows, 1, state, bye, null, _rules.Route(bye), Now, Today, "i2");
        Assert.Null(decision.State);
        Assert.True(decision.Write);
    }

    [Fact]
    public void BackendReask_CountsATry_AndAsksAgainWithItsText()
    {
        var (state, _) = Step(null, "flight status");
        (state, _) = Step(state, "CA1234");
        var (calling, call) = Step(state, "1");
        var again = FlowEngine.AfterCall(_rules.Flows, calling!, call.Call!, [new TextReply("x")], new ReaskDirective("date", "No flights that day, another date?"), []);
        Assert.Equal("date", again.State!.Step);
        Assert.False(again.State.Slots.ContainsKey("date"));
        Assert.Equal("No flights that day, another date?", Text(again));

        var failed = FlowEngine.AfterCall(_rules.Flows, calling!, call.Call!, null, FlowDirective.End, []);
        Assert.Equal("Flight lookup is busy, please try again later.", Text(failed));
        Assert.Null(failed.State);
    }

    [Fact]
    public void WhilePending_AnyMessageIsBusy()
    {
        var (state, _) = Step(null, "flight status");
        (state, _) = Step(state, "CA1234");
        var (calling, _) = Step(state, "1");
        var (same, busy) = Step(calling, "hello?");
        Assert.False(busy.Write);
        Assert.Equal(calling, same);
        Assert.StartsWith("Still working on it", Text(busy));
    }

    [Fact]
    public void ACallLostWithItsInstance_EndsTheFlowAfterTwoMinutes()
    {
        var (state, _) = Step(null, "flight status");
        (state, _) = Step(state, "CA1234");
        var (calling, _) = Step(state, "1");
        var later = FlowEngine.Decide(_rules.Flows, 1, calling, Text("hours"), "hours", _rules.MatchOrDefault("hours"), Now + FlowEngine.PendingLimitSeconds + 1, Today, "i2");
        Assert.Null(later.State);
        Assert.True(later.RouteNormally);
    }

    [Theory]
    [InlineData("flows:\n  f:\n    steps:\n      - ask: a\n        prompt: [ text: \"?\" ]\n", "ends with ask")]
    [InlineData("rules:\n  - { name: r, keywords: [ equal: x ], flow: nowhere }\n", "which flows: does not declare")]
    [InlineData("flows:\n  f:\n    steps:\n      - ask: a\n        prompt: [ text: \"?\" ]\n        attempts: 9\n      - say: [ text: \"ok\" ]\n", "attempts of 'a' is 9")]
    [InlineData("flows:\n  f:\n    steps:\n      - ask: a\n        prompt: [ text: \"?\" ]\n      - ask: a\n        prompt: [ text: \"?\" ]\n      - say: [ text: \"ok\" ]\n", "already the step on line 4")]
    [InlineData("flows:\n  f:\n    steps:\n      - ask: a\n        prompt: [ text: \"1\", text: \"2\" ]\n      - say: [ text: \"ok\" ]\n", "has 2 replies")]
    [InlineData("flows:\n  f:\n    steps:\n      - ask: a\n        prompt: [ text: \"?\" ]\n        accept: { choices: [ { value: c, say: [ cancel ] } ] }\n      - say: [ text: \"ok\" ]\n", "is also a cancel word")]
    [InlineData("flows:\n  f:\n    timeoutMinutes: 5000\n    steps:\n      - say: [ text: \"ok\" ]\n", "timeoutMinutes is 5000")]
    [InlineData("rules:\n  - { name: r, keywords: [ equal: x ], flow: f, replies: [ text: \"x\" ] }\nflows:\n  f:\n    steps:\n      - say: [ text: \"ok\" ]\n", "both replies and a flow")]
    public void Validation_RefusesFlowsWithoutAnExitOrWithBrokenReferences(string yaml, string expected)
    {
        var problems = RulesFile.Parse(yaml).Problems;
        Assert.Contains(problems, p => p.Severity == ProblemSeverity.Error && p.Message.Contains(expected));
    }

    private (FlowState? State, FlowDecision Decision) Step(FlowState? state, string text)
    {
        var message = Text(text);
        var normalized = TextNormalizer.Normalize(text);
        var decision = FlowEngine.Decide(_rules.Flows, 1, state, message, normalized, _rules.MatchOrDefault(text), Now, Today, "i1");
        return (decision.Write ? decision.State : state, decision);
    }

    private static string Text(FlowDecision decision) => Assert.IsType<TextReply>(decision.Replies[0]).Content;

    private static CompiledRuleSet Compile(string yaml) => new(RulesFile.Parse(yaml).Definition!, 1);

    private static InboundMessage Text(string content) => RuleTestData.Text(content);

    private static InboundMessage Event(string name, string? key) => RuleTestData.Event(name, key);
}
