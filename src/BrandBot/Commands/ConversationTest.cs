using System.Net.Http.Headers;
using System.Text;
using BrandBot.Delivery.Backend;
using BrandBot.Delivery.Flows;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Flows;
using BrandBot.Rules.Matching;

namespace BrandBot.Commands;

/// <summary>
/// <c>rules test --conversation</c>: one follower's messages through the flow engine the servers run,
/// with the state kept in memory, printing for each message the reply, the slots and the state. A call
/// step really calls the brand's backend (with the same body and Idempotency-Key the servers send).
/// </summary>
internal static class ConversationTest
{
    public static async Task RunAsync(CompiledRuleSet rules, IReadOnlyList<string> messages, TimeSpan utcOffset, TextWriter output)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        FlowState? state = null;
        var n = 0;
        foreach (var text in messages)
        {
            n++;
            output.WriteLine($"> {text}");
            var message = InboundParser.Parse(Encoding.UTF8.GetBytes(SampleMessages.Text("gh_account", "o-operator", 0, text, n)));
            var normalized = CompiledRuleSet.NormalizedTextOf(message);
            var route = rules.Route(message, normalized);
            var now = DateTimeOffset.UtcNow;
            var decision = FlowEngine.Decide(rules.Flows, rules.Version, state, message, normalized, route, now.ToUnixTimeSeconds(), Rules.Stats.StatsDay.Of(now, utcOffset), $"test{n:D4}");
            if (decision.Call is { } call && decision.State is { } calling)
            {
                output.WriteLine($"  call: POST {call.Webhook.Url} with {Slots(calling)}");
                var result = await CallAsync(http, call, calling, message);
                output.WriteLine($"  backend: {(result.Replies is null ? result.Outcome + " (the step's fallback answers)" : "ok")}");
                var after = FlowEngine.AfterCall(rules.Flows, calling, call, result.Replies, Directive(result), []);
                decision = after with { Replies = [.. FlowEngine.Merge(decision.Replies, after.Replies)], Events = [.. decision.Events, .. after.Events] };
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

    private static async Task<BackendResult> CallAsync(HttpClient http, Rules.Model.CallStep call, FlowState state, InboundMessage message)
    {
        var push = BackendPush.From("test", message) with { Flow = new FlowCall(state.Flow, state.Instance, state.Step, state.Slots) };
        using var content = new ByteArrayContent(push.ToJson());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, call.Webhook.Url) { Content = content };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", push.Flow!.IdempotencyKey);
        try
        {
            using var timeout = new CancellationTokenSource(call.Webhook.TimeoutMs);
            using var response = await http.SendAsync(request, timeout.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return response.IsSuccessStatusCode && BackendAnswer.Parse(bytes) is { } replies
                ? BackendResult.Ok(replies) with { Flow = BackendAnswer.FlowOf(bytes) }
                : BackendResult.Failed(response.IsSuccessStatusCode ? "bad_answer" : $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return BackendResult.Failed(ex is OperationCanceledException ? "timeout" : "failed");
        }
    }

    private static FlowDirective Directive(BackendResult result) => BackendDirective.Of(result);

    private static string Slots(FlowState state) =>
        state.Slots.Count == 0 ? "{}" : "{" + string.Join(", ", state.Slots.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")) + "}";

    private static string Show(Reply reply) => reply switch
    {
        TextReply text => text.Content.ReplaceLineEndings(" / "),
        NewsReply news => $"news: {string.Join(" | ", news.Articles.Select(a => a.Title))}",
        _ => reply.MsgType,
    };

    private static string Describe(RouteResult route) => route.Kind switch
    {
        MatchKind.Keyword or MatchKind.Menu => $"rule '{route.RuleName}'",
        MatchKind.Default => "the default reply",
        _ => "nothing (success)",
    };
}
