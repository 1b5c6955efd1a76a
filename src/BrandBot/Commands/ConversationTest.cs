using System.Net.Http.Headers;
using System.Text;
using BrandBot.Delivery;
using BrandBot.Delivery.Backend;
using BrandBot.Delivery.Flows;
using BrandBot.Options;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Matching;

namespace BrandBot.Commands;

/// <summary>
/// <c>rules test --conversation</c>: one follower's messages through the flow engine the servers run,
/// with the state kept in memory, printing for each message the reply, the slots and the state. A call
/// step really calls the brand's backend (with the same body and Idempotency-Key the servers send).
/// </summary>
internal static class ConversationTest
{
    public static async Task RunAsync(CompiledRuleSet rules, IReadOnlyList<string> messages, BrandBotOptions options, TextWriter output)
    {
        // The same registration as the server's; only the flow step and its backend client are used.
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IDeliveryObserver, QuietObserver>()
            .AddDelivery(options.Delivery(), options.Backends, options.Limits())
            .BuildServiceProvider();
        var step = services.GetRequiredService<FlowStep>();
        var utcOffset = TimeSpan.FromHours(options.StatsUtcOffsetHours);
        FlowState? state = null;
        var n = 0;
        foreach (var text in messages)
        {
            n++;
            output.WriteLine($"> {text}");
            var message = InboundParser.Parse(Encoding.UTF8.GetBytes(SampleMessages.Text("gh_account", "o-operator", 0, text, n)));
            var normalized = CompiledRuleSet.NormalizedTextOf(message);
            var route = rules.Route(message, normalized);
            var decision = FlowStep.Decide(rules, state, message, normalized, route, DateTimeOffset.UtcNow, utcOffset, $"test{n:D4}");
            if (decision.Call is { } call && decision.State is { } calling)
            {
                output.WriteLine($"  call: POST {call.Webhook.Url} with {Slots(calling)}");
                var result = await step.CallAsync("test", message, calling, call, CancellationToken.None);
                output.WriteLine($"  backend: {(result.Replies is null ? result.Outcome + " (the step's fallback answers)" : "ok")}");
                var after = FlowStep.AfterCall(rules, calling, call, result, decision.Replies);
                decision = after with { Events = [.. decision.Events, .. after.Events] };
            }

            if (decision.Write)
            {
                state = decision.State;
            }

            if (decision.RouteNormally && decision.Replies.Count == 0)
            {
                output.WriteLine($"  not in a flow: {Describe(route)}");
            }

            foreach (var reply in decision.Replies)
            {
                output.WriteLine($"  reply: {Show(reply)}");
            }

            if (decision.Events.Count > 0)
            {
                output.WriteLine($"  events: {string.Join(", ", decision.Events)}");
            }

            output.WriteLine(state is null ? "  state: no flow" : $"  state: flow {state.Flow}, step {state.Step}, tries {state.Tries}, messages {state.Messages}, slots {Slots(state)}");
        }
    }

    private static string Slots(FlowState state) =>
        state.Slots.Count == 0 ? "{}" : "{" + string.Join(", ", state.Slots.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")) + "}";

    private static string Show(Reply reply) => ReplyDisplay.Describe(reply);

    private static string Describe(RouteResult route) => route.Kind switch
    {
        MatchKind.Keyword or MatchKind.Menu => $"rule '{route.RuleName}'",
        MatchKind.Default => "the default reply",
        _ => "nothing (success)",
    };
}

/// <summary>A verb has no metrics; a backend's failure is already printed with the step.</summary>
internal sealed class QuietObserver : IDeliveryObserver
{
    public void BackendCalled(string account, string backend, string outcome)
    {
    }

    public void BackendCircuitChanged(string backend, bool open, TimeSpan breakFor)
    {
    }

    public void StoreUnavailable(string operation)
    {
    }

    public void DedupHit(string account, string outcome)
    {
    }

    public void RateLimited(string account, string scope)
    {
    }

    public void BudgetFallback(string account)
    {
    }

    public void FlowEvent(string account, string flow, string @event)
    {
    }

    public void Followed(string account, string scene)
    {
    }

    public void Unfollowed(string account)
    {
    }

    public void RuleHit(string account, string rule)
    {
    }

    public void Unanswered(string account)
    {
    }
}
