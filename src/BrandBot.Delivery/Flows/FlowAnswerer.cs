using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Backend;
using BrandBot.Delivery.Dedup;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Stats;
using BrandBot.WeChatApi;

namespace BrandBot.Delivery.Flows;

/// <summary>
/// Answers the pushes that concern a flow (docs/flows.md): a push that starts one, and every push of a
/// follower who is in one (or just left one). For each: read the follower's state and this push's
/// stored answer; a stored answer is replayed (retries never reach the state machine); otherwise the
/// engine decides and the decision is committed with the answer in one compare-and-set — on a
/// conflict (another push of the same follower won) read and decide again, at most three times. A
/// backend call runs under an in-flight mark: a retry of the push waits for its answer, another message
/// gets <c>busy</c>; a call past the budget is answered <c>success</c> and its reply delivered once by
/// customer-service message. Returns null when the push is simply to be answered as if no flow existed.
/// </summary>
public sealed class FlowAnswerer(
    IFlowStore store,
    FlowFollowers followers,
    FlowStep step,
    CustomerService customerService,
    PushEffects effects,
    IHitStats stats,
    IDeliveryObserver observer,
    TimeProvider time,
    DeliveryOptions options)
{
    // Each try is a read and a script call (about a millisecond): a burst from one follower still serialises well inside the budget.
    private const int MaxConflicts = 10;
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    // The answer of a push that leaves the flow and is answered as if there were none: its retries too.
    private static readonly byte[] RoutedNormally = "N"u8.ToArray();

    private readonly TimeSpan _budget = TimeSpan.FromMilliseconds(options.PushBudgetMilliseconds);
    private readonly TimeSpan _keep = TimeSpan.FromSeconds(options.DedupSeconds);
    private readonly TimeSpan _utcOffset = TimeSpan.FromHours(options.StatsUtcOffsetHours);

    /// <summary>True when this push must take the flow path: it starts a flow, or its follower is in (or just left) one.</summary>
    public bool Concerns(string account, CompiledRuleSet rules, RouteResult route, InboundMessage message) =>
        (route.Flow is not null && rules.Flows.Any) || (followers.Any && followers.IsActive(account, PushKey.Follower(message)));

    public async Task<PushOutcome?> AnswerAsync(
        WeChatAccount account, InboundMessage message, CompiledRuleSet rules, RouteResult route, string? text, string pushKey, long arrived, CancellationToken cancellationToken)
    {
        var follower = PushKey.Follower(message);
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            FlowRead read;
            try
            {
                read = await store.ReadAsync(account.Name, follower, pushKey, cancellationToken);
            }
            catch (StoreUnavailableException)
            {
                return Unavailable(rules, route, message, followers.IsActive(account.Name, follower));
            }

            if (read.Answer is { } stored)
            {
                return await ReplayAsync(account, follower, pushKey, stored, arrived, cancellationToken);
            }

            var decision = FlowStep.Decide(rules, read.State, message, text, route, time.GetUtcNow(), _utcOffset, pushKey[..16]);
            if (!decision.Write)
            {
                if (decision.RouteNormally)
                {
                    Count(account.Name, decision);
                    return null;
                }

                // Busy during a call: nothing changes and nothing is stored; a retry is busy too.
                return Answer(message, decision.Replies, route, "flow busy");
            }

            var next = decision.State is { } state ? state with { Rev = (read.State?.Rev ?? 0) + 1 } : null;
            var (replies, answer, routeNormally) = Passive(message, decision, route);
            var committed = await CommitAsync(account.Name, follower, pushKey, read.State?.Rev ?? 0, next, rules, decision.Call is null ? answer : FlowAnswers.InFlight, decision.Call is null ? _keep : _budget + Grace, replaceMark: false, cancellationToken);
            if (committed is null)
            {
                return Unavailable(rules, route, message, read.State is not null);
            }

            switch (committed.Outcome)
            {
                case CommitOutcome.Conflict:
                    continue;
                case CommitOutcome.Answered:
                    return await ReplayAsync(account, follower, pushKey, committed.Answer!, arrived, cancellationToken);
            }

            Count(account.Name, decision);
            if (decision.Events.Contains("started"))
            {
                effects.Run(account, message, route, text);
            }
            else if (message.IsUserMessage && !routeNormally)
            {
                // A follower's text inside a flow is a message like any other (Overview's "Messages");
                // committed once, so a retry, replayed above, is not counted again.
                stats.Message(account.Name);
            }

            if (decision.Call is { } call)
            {
                return await CallAsync(account, message, rules, route, follower, pushKey, next!, call, decision.Replies, arrived);
            }

            if (routeNormally)
            {
                return null;
            }

            return Answer(message, replies, route, null, account);
        }

        return Answer(message, Fixed(rules.Flows.Defaults.Busy), route, "flow contended");
    }

    /// <summary>The backend call of a <c>call</c> step, raced against the budget; whatever it answers is committed by compare-and-set.</summary>
    private async Task<PushOutcome> CallAsync(
        WeChatAccount account, InboundMessage message, CompiledRuleSet rules, RouteResult route, string follower, string pushKey,
        FlowState calling, Rules.Model.CallStep call, IReadOnlyList<Reply> said, long arrived)
    {
        var calls = step.CallAsync(account.Name, message, calling, call, CancellationToken.None);
        var finishing = FinishAsync(account.Name, rules, follower, pushKey, calling, call, calls, message, said, arrived);
        try
        {
            var decision = await finishing.WaitAsync(Remaining(arrived), time, CancellationToken.None);
            return decision is null ? Answer(message, [], route, "flow superseded") : Answer(message, decision.Replies, route, null, account);
        }
        catch (TimeoutException)
        {
            observer.FlowEvent(account.Name, calling.Flow, "backend_late");
            stats.FlowEvent(account.Name, calling.Flow, "backend_late");
            return new PushOutcome(RememberedAnswer.Nothing, route, "flow call over budget", async stopping =>
            {
                if (await finishing.WaitAsync(stopping) is { Replies.Count: > 0 } late)
                {
                    await customerService.SendAsync(account.Name, account.Credentials, message.FromUserName, late.Replies, stopping);
                }
            });
        }
    }

    /// <summary>Turns the backend's answer into the flow's next state and commits it; null when the state moved on meanwhile (cancelled, unfollowed).</summary>
    private async Task<FlowDecision?> FinishAsync(
        string account, CompiledRuleSet rules, string follower, string pushKey, FlowState calling, Rules.Model.CallStep call, Task<BackendResult> calls,
        InboundMessage message, IReadOnlyList<Reply> said, long arrived)
    {
        var result = await calls;
        var decision = FlowStep.AfterCall(rules, calling, call, result, said);
        var next = decision.State is { } state ? state with { Rev = calling.Rev + 1 } : null;
        // Past the budget the push was answered success and its reply goes by customer-service message: a retry must not show it again.
        var answer = time.GetElapsedTime(arrived) >= _budget ? RememberedAnswer.Nothing.Encode() : Encode(message, decision.Replies);
        var committed = await CommitAsync(account, follower, pushKey, calling.Rev, next, rules, answer, _keep, replaceMark: true, CancellationToken.None);
        if (committed is not { Outcome: CommitOutcome.Committed })
        {
            return null;
        }

        Count(account, decision);
        return decision;
    }

    private async Task<CommitResult?> CommitAsync(
        string account, string follower, string pushKey, long expectedRev, FlowState? next, CompiledRuleSet rules, byte[] answer, TimeSpan answerLife, bool replaceMark, CancellationToken cancellationToken)
    {
        var timeout = next is not null && rules.Flows.Flows.TryGetValue(next.Flow, out var flow) ? TimeSpan.FromMinutes(flow.TimeoutMinutes) : TimeSpan.Zero;
        var stateLife = timeout + Grace;
        // Until the last answer's retries are over, this follower's pushes must find it on the flow path.
        var activeUntil = time.GetUtcNow() + (next is null ? _keep + Grace : stateLife + _keep);
        try
        {
            return await store.CommitAsync(account, follower, pushKey, expectedRev, next, stateLife, answer, answerLife, replaceMark, activeUntil.ToUnixTimeMilliseconds(), cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // Counted by the caller's Unavailable (or dropped with a late answer, as a crash would).
            return null;
        }
    }

    /// <summary>A stored answer: replayed as it was; an in-flight mark is waited on within the budget.</summary>
    private async Task<PushOutcome?> ReplayAsync(WeChatAccount account, string follower, string pushKey, byte[] stored, long arrived, CancellationToken cancellationToken)
    {
        while (FlowAnswers.IsInFlight(stored) && Remaining(arrived) > TimeSpan.FromMilliseconds(50))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
            try
            {
                stored = (await store.ReadAsync(account.Name, follower, pushKey, cancellationToken)).Answer ?? stored;
            }
            catch (StoreUnavailableException)
            {
                break;
            }
        }

        observer.DedupHit(account.Name, FlowAnswers.IsInFlight(stored) ? "waited" : "replayed");
        if (stored.AsSpan().SequenceEqual(RoutedNormally))
        {
            return null;
        }

        return new PushOutcome(RememberedAnswer.Decode(stored) ?? RememberedAnswer.Nothing, null, "replayed");
    }

    /// <summary>
    /// The replies to answer with and their stored form. A push leaving the flow for normal routing keeps
    /// a mark instead (its retries are routed normally too) — unless its notice joins a fixed text reply.
    /// </summary>
    private (IReadOnlyList<Reply> Replies, byte[] Stored, bool RouteNormally) Passive(InboundMessage message, FlowDecision decision, RouteResult route)
    {
        if (!decision.RouteNormally)
        {
            return (decision.Replies, Encode(message, decision.Replies), false);
        }

        if (decision.Replies.Count > 0 && route.Replies is { CallsBackend: false, Replies.Count: > 0 } group
            && group.Replies[group.PickPassive(0)].Source is Rules.Model.StaticReply { Reply: TextReply routed })
        {
            List<Reply> merged = [.. FlowEngine.Merge(decision.Replies, [routed])];
            return (merged, Encode(message, merged), false);
        }

        return ([], RoutedNormally, true);
    }

    private byte[] Encode(InboundMessage message, IReadOnlyList<Reply> replies) =>
        replies.Count == 0 ? RememberedAnswer.Nothing.Encode()
        : new RememberedAnswer(PushAnswerer.ReplyCreateTime(message), ReplyBody.Prepare(replies[0], message.IsUserMessage ? ReplyLimits.MaxArticlesForUserMessage : ReplyLimits.MaxArticlesForEvent)).Encode();

    /// <summary>
    /// The first reply passively (as stored), the rest by customer-service message after it. Its CreateTime,
    /// like the stored one's, is the push's own (docs/exactly-once.md): the first attempt and a retry
    /// replayed from the stored answer, on any instance, write the same bytes whatever the clocks say.
    /// </summary>
    private PushOutcome Answer(InboundMessage message, IReadOnlyList<Reply> replies, RouteResult route, string? note, WeChatAccount? account = null)
    {
        if (replies.Count == 0)
        {
            return new PushOutcome(RememberedAnswer.Nothing, route, note ?? "flow");
        }

        var body = ReplyBody.Prepare(replies[0], message.IsUserMessage ? ReplyLimits.MaxArticlesForUserMessage : ReplyLimits.MaxArticlesForEvent);
        Func<CancellationToken, Task>? rest = account is null || replies.Count == 1 ? null
            : stopping => customerService.SendAsync(account.Name, account.Credentials, message.FromUserName, [.. replies.Skip(1)], stopping);
        return new PushOutcome(new RememberedAnswer(PushAnswerer.ReplyCreateTime(message), body), route, note ?? "flow", rest);
    }

    /// <summary>Redis is away: no flow starts from memory (docs/flows-design.md §4.4); a follower in one hears <c>busy</c>, a new trigger the default reply.</summary>
    private PushOutcome Unavailable(CompiledRuleSet rules, RouteResult route, InboundMessage message, bool inFlow)
    {
        observer.StoreUnavailable("flow");
        return inFlow
            ? Answer(message, Fixed(rules.Flows.Defaults.Busy), route, "flow store away")
            : Answer(message, [.. DefaultReplies(rules).Take(1)], route, "flow store away");
    }

    private static List<Reply> Fixed(IEnumerable<Rules.Model.RuleReply> replies) => FlowStep.Fixed(replies);

    private static List<Reply> DefaultReplies(CompiledRuleSet rules) => FlowStep.DefaultReplies(rules);

    private void Count(string account, FlowDecision decision)
    {
        if (decision.Flow is null)
        {
            return;
        }

        foreach (var name in decision.Events)
        {
            observer.FlowEvent(account, decision.Flow, name);
            stats.FlowEvent(account, decision.Flow, name);
        }
    }

    private TimeSpan Remaining(long arrived)
    {
        var left = _budget - time.GetElapsedTime(arrived);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
