using BrandBot.Delivery.Backend;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;
using BrandBot.Rules.Stats;

namespace BrandBot.Delivery.Flows;

/// <summary>
/// One step of a conversation, as the server and <c>rules test --conversation</c> both run it: the
/// engine decides, a <c>call</c> step calls the brand's backend through <see cref="BackendClient"/>
/// (its resilience pipeline, body and Idempotency-Key), and the backend's answer is merged into the
/// decision. Where the state lives (a store with compare-and-set, or a local variable) is the caller's.
/// </summary>
public sealed class FlowStep(BackendClient backends)
{
    /// <param name="instance">A stable id for a flow started by this push (its retries start the same instance).</param>
    public static FlowDecision Decide(
        CompiledRuleSet rules, FlowState? state, InboundMessage message, string? normalizedText, RouteResult route, DateTimeOffset now, TimeSpan statsUtcOffset, string instance) =>
        FlowEngine.Decide(rules.Flows, rules.Version, state, message, normalizedText, route, now.ToUnixTimeSeconds(), StatsDay.Of(now, statsUtcOffset), instance);

    /// <summary>The call step's backend request, with what the flow collected so far.</summary>
    public Task<BackendResult> CallAsync(string account, InboundMessage message, FlowState calling, CallStep call, CancellationToken cancellationToken)
    {
        var push = BackendPush.From(account, message) with { Flow = new FlowCall(calling.Flow, calling.Instance, calling.Step, calling.Slots) };
        return backends.CallAsync(account, call.Webhook.Url, TimeSpan.FromMilliseconds(call.Webhook.TimeoutMs), push, cancellationToken);
    }

    /// <summary>The decision after the backend answered (or failed): the next state, and the replies said before the call followed by the call's own.</summary>
    public static FlowDecision AfterCall(CompiledRuleSet rules, FlowState calling, CallStep call, BackendResult result, IReadOnlyList<Reply> said)
    {
        var after = FlowEngine.AfterCall(rules.Flows, calling, call, result.Replies, BackendDirective.Of(result), DefaultReplies(rules));
        return after with { Replies = [.. FlowEngine.Merge(said, after.Replies)] };
    }

    internal static List<Reply> Fixed(IEnumerable<RuleReply> replies) => [.. replies.OfType<StaticReply>().Select(r => r.Reply)];

    internal static List<Reply> DefaultReplies(CompiledRuleSet rules) =>
        rules.Default.Replies is { } group ? Fixed(group.Replies.Select(r => r.Source)) : [];
}
