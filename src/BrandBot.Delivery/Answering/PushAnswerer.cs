using BrandBot.Delivery.Dedup;
using BrandBot.Delivery.Limits;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;
using BrandBot.Rules.Store;
using BrandBot.WeChatApi;

namespace BrandBot.Delivery.Answering;

/// <summary>
/// Answers every follower exactly once (docs/exactly-once.md). A reply fixed in the rules is a pure function
/// of the push and the rules version (random_one picks by the push's identity), so any attempt of a
/// push, on any instance, answers with the same bytes (its CreateTime is the push's own) without
/// asking anyone: such a push is answered at once and its record written behind the answer
/// (<see cref="IPushLedger"/>); only the attempt whose record lands first runs the side effects —
/// counting, the rest of a reply_all group. Everything that could come out differently on another
/// instance goes through the <see cref="IPushGate"/> first: a reply from a brand backend (computed once
/// under a lease; a retry waits for it), a follower or account near a rate limit, and the first moments
/// after a publish (a retry may still arrive for the version before).
/// </summary>
public sealed class PushAnswerer(
    LiveRuleSets rules,
    IPushGate gate,
    IPushLedger ledger,
    RateLimiter limiter,
    ReplyResolver resolver,
    CustomerService customerService,
    PushEffects effects,
    Flows.FlowAnswerer flows,
    IDeliveryObserver observer,
    TimeProvider time,
    DeliveryOptions options)
{
    /// <summary>How much later than this instance another may learn of a publish, and how far WeChat's clock and ours may disagree.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    private readonly TimeSpan _budget = TimeSpan.FromMilliseconds(options.PushBudgetMilliseconds);
    private readonly TimeSpan _keep = TimeSpan.FromSeconds(options.DedupSeconds);
    // The in-flight mark outlives the budget a little, so a retry only takes over from an attempt whose instance died.
    private readonly TimeSpan _lease = TimeSpan.FromMilliseconds(options.PushBudgetMilliseconds + 2000);

    /// <param name="arrived">When the request arrived (<see cref="TimeProvider.GetTimestamp"/>): the budget runs from there.</param>
    /// <param name="acceptedUntil">When the push's signature leaves the replay window (Unix seconds), or null when the window is off.</param>
    /// <remarks>A <see cref="ValueTask{T}"/>: a fixed reply is answered without waiting, and a task per push was garbage.</remarks>
    public ValueTask<PushOutcome> AnswerAsync(WeChatAccount account, InboundMessage message, long arrived, long? acceptedUntil, CancellationToken cancellationToken) =>
        AnswerAsync(account, message, PushKey.Of(message), arrived, acceptedUntil, cancellationToken);

    /// <param name="pushKey"><see cref="PushKey.Of"/>(<paramref name="message"/>), from a caller that needs it too (a sealed reply's randomness derives from it).</param>
    /// <inheritdoc cref="AnswerAsync(WeChatAccount, InboundMessage, long, long?, CancellationToken)"/>
    public async ValueTask<PushOutcome> AnswerAsync(
        WeChatAccount account, InboundMessage message, string pushKey, long arrived, long? acceptedUntil, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var keep = KeepFor(acceptedUntil, now);
        var ruleSet = rules.Get(account.Name, now, out var settled);
        var text = CompiledRuleSet.NormalizedTextOf(message);
        var route = ruleSet.Route(message, text);
        // A push that starts a flow, or of a follower in one, is the flow's (docs/flows.md); everyone else never touches its store.
        if (flows.Concerns(account.Name, ruleSet, route, message)
            && await flows.AnswerAsync(account, message, ruleSet, route, text, pushKey, arrived, cancellationToken) is { } flowOutcome)
        {
            return flowOutcome;
        }

        var rate = limiter.Limits.Any && CountsTowardLimits(route) ? limiter.Take(account.Name, PushKey.Follower(message)) : RateVerdict.Clear;
        var fixedReply = route.Replies is not { CallsBackend: true };
        if (fixedReply && !rate.Hot && settled)
        {
            using var decided = Tracing.Source.StartActivity("brandbot.gate");
            decided?.SetTag("brandbot.gate", "WriteBehind");
            return AnswerWithoutWaiting(account, message, ruleSet, route, text, pushKey, rate, now + keep);
        }

        rate = await limiter.ConfirmAsync(rate, cancellationToken);
        var ready = !fixedReply ? (PushOutcome?)null
            : rate.IsLimited ? new PushOutcome(RememberedAnswer.Nothing, route, "rate-limited")
            : Fixed(account, message, ruleSet, route, pushKey).Outcome;
        var ticket = new PushTicket(account.Name, pushKey, message.CreateTime, _lease) { Answer = ready?.Answer, Keep = keep };

        GateVerdict verdict;
        using (var gateSpan = Tracing.Source.StartActivity("brandbot.gate"))
        {
            if (fixedReply && !settled && HoldForARecordOnTheWay(account.Name, message.CreateTime, now) is { } hold)
            {
                // An attempt answered by the version before, without waiting, may have its record still on the
                // way: entering now would find nothing and answer from the new version.
                gateSpan?.SetTag("brandbot.gate.held_for_record", true);
                await Task.Delay(hold, time, cancellationToken);
            }

            verdict = await gate.EnterAsync(ticket, cancellationToken);
            gateSpan?.SetTag("brandbot.gate", verdict.Outcome.ToString());
        }

        if (verdict.Outcome == GateOutcome.InFlight)
        {
            observer.DedupHit(account.Name, "waited");
            verdict = await gate.WaitAsync(account.Name, pushKey, Remaining(arrived), cancellationToken);
            if (verdict.Outcome == GateOutcome.Vacant)
            {
                // The first attempt's instance died before answering: this attempt takes over.
                verdict = await gate.EnterAsync(ticket, cancellationToken);
            }
        }

        switch (verdict.Outcome)
        {
            case GateOutcome.Answered:
                limiter.Untake(rate);
                observer.DedupHit(account.Name, "replayed");
                return new PushOutcome(verdict.Answer ?? Render(account, message, verdict.Compact!.Value), null, "replayed");
            case GateOutcome.InFlight or GateOutcome.Vacant:
                // Still being computed past our budget: whatever it yields goes out through customer service.
                limiter.Untake(rate);
                return new PushOutcome(RememberedAnswer.Nothing, null, "still in flight");
        }

        if (rate.IsLimited)
        {
            observer.RateLimited(account.Name, rate.LimitedBy == LimitScope.Account ? "account" : "follower");
            if (ready is null)
            {
                gate.Remember(account.Name, pushKey, RememberedAnswer.Nothing, keep);
            }

            return new PushOutcome(RememberedAnswer.Nothing, route, "rate-limited");
        }

        effects.Run(account, message, route, text);
        if (ready is { } fixedOutcome)
        {
            return fixedOutcome;
        }

        var outcome = await ComposeWithBackendAsync(account, message, route, ruleSet.Default.Replies, arrived, pushKey);
        gate.Remember(account.Name, pushKey, outcome.Answer, keep);
        return outcome;
    }

    /// <summary>
    /// The answer is known here and now; the record goes behind it. The rest of a reply_all group waits
    /// (after the answer is written) to learn whether this attempt's record was the first.
    /// </summary>
    private PushOutcome AnswerWithoutWaiting(
        WeChatAccount account, InboundMessage message, CompiledRuleSet ruleSet, RouteResult route, string? text, string pushKey, RateVerdict rate, DateTimeOffset keepUntil)
    {
        var (outcome, compact, rest) = Fixed(account, message, ruleSet, route, pushKey);
        var pending = new SideEffectsOnce(this, account, message, route, text, pushKey, rate, outcome.Answer, compact, keepUntil, rest.Count > 0);
        if (ledger.Write(pending) is { } earlier)
        {
            // The embedded store knows at once: a retry gets the first attempt's answer exactly.
            return new PushOutcome(earlier, null, "replayed");
        }

        return rest.Count == 0 ? outcome : outcome with { FollowUp = async stopping =>
        {
            if (await pending.First!.Task.WaitAsync(stopping))
            {
                await Deliver(account, message, rest, stopping);
            }
        }, };
    }

    /// <summary>The first attempt's answer from its compact record, rendered from the version that gave it (<c>success</c> once that version is gone).</summary>
    private RememberedAnswer Render(WeChatAccount account, InboundMessage message, CompactAnswer compact)
    {
        if (compact.IsNothing
            || rules.Find(account.Name, compact.RulesVersion)?.Route(message).Replies is not { } group
            || compact.ReplyIndex >= group.Replies.Count
            || group.Replies[compact.ReplyIndex].BodyFor(message.IsUserMessage) is not { } body)
        {
            return RememberedAnswer.Nothing;
        }

        return new RememberedAnswer(message.CreateTime + compact.CreateTimeAfterPush, body);
    }

    /// <summary>
    /// How long the push's record must live: for WeChat's retries (<c>DedupSeconds</c>), and for as long
    /// as its signature is accepted — a request captured on the way and sent again byte for byte passes
    /// the replay check until <paramref name="acceptedUntil"/>, and must find its record (the first
    /// answer, nothing processed again) all that time.
    /// </summary>
    private TimeSpan KeepFor(long? acceptedUntil, DateTimeOffset now)
    {
        if (acceptedUntil is not { } until)
        {
            return _keep;
        }

        var acceptedFor = TimeSpan.FromSeconds(until - now.ToUnixTimeSeconds() + 1);
        return acceptedFor > _keep ? acceptedFor : _keep;
    }

    /// <summary>
    /// How long to wait before entering the gate, or null for not at all: an attempt of this push may have
    /// been answered without waiting, by the version before the current one, so recently that its record
    /// may not be where this instance looks yet — the push was created around the publish (see
    /// <see cref="LiveRuleSets.MayPredateCurrent"/>) and within the time a record written behind can take to
    /// land. Only pushes created in the few seconds around a publish wait, once.
    /// </summary>
    private TimeSpan? HoldForARecordOnTheWay(string account, long pushCreateTime, DateTimeOffset now)
    {
        var writeBound = ledger.WriteBound;
        return writeBound > TimeSpan.Zero
            && pushCreateTime >= (now - writeBound - Slack).ToUnixTimeSeconds()
            && rules.MayPredateCurrent(account, pushCreateTime, Slack)
            ? writeBound : null;
    }

    /// <summary>Rule-triggering pushes count; follows and scans never do (a follow must never be lost).</summary>
    private static bool CountsTowardLimits(RouteResult route) =>
        route.HasReply && route.Kind is MatchKind.Keyword or MatchKind.Menu or MatchKind.Default;

    /// <summary>
    /// The answer from replies fixed in the rules (rendered and listed at publish time): no work here but
    /// choosing, and the same choice on every attempt.
    /// </summary>
    private (PushOutcome Outcome, CompactAnswer Compact, IReadOnlyList<Reply> FollowUps) Fixed(
        WeChatAccount account, InboundMessage message, CompiledRuleSet ruleSet, RouteResult route, string pushKey)
    {
        if (route.Replies is not { Replies.Count: > 0 } group)
        {
            return (new PushOutcome(RememberedAnswer.Nothing, route), CompactAnswer.Nothing, []);
        }

        var index = group.PickPassive(PushKey.Choice(pushKey));
        var body = group.Replies[index].BodyFor(message.IsUserMessage);
        // docs/exactly-once.md: the reply's CreateTime is the push's own, never the clock's, so every attempt
        // of the push, on any instance and at any moment, writes the same bytes.
        var createTime = ReplyCreateTime(message);
        var outcome = new PushOutcome(new RememberedAnswer(createTime, body), route, null, FollowUp(account, message, group.FollowUps));
        return (outcome, new CompactAnswer(ruleSet.Version, index, createTime - message.CreateTime), group.FollowUps);
    }

    /// <summary>
    /// A reply's CreateTime: the push's own (docs/exactly-once.md). WeChat reads it as information only; taking
    /// it from the push is what makes a retry's reply byte for byte the first one's.
    /// </summary>
    public static long ReplyCreateTime(InboundMessage message) => message.CreateTime;

    /// <summary>Runs once the ledger knows whether this attempt was first: the side effects, or (a retry) nothing but taking its count back.</summary>
    private void Settle(SideEffectsOnce push, bool first)
    {
        if (first)
        {
            effects.Run(push.WeChatAccount, push.Message, push.Route, push.Text);
        }
        else
        {
            limiter.Untake(push.Rate);
            observer.DedupHit(push.Account, "replayed");
        }

        push.First?.TrySetResult(first);
    }

    private async Task<PushOutcome> ComposeWithBackendAsync(
        WeChatAccount account, InboundMessage message, RouteResult route, CompiledReplyGroup? defaultGroup, long arrived, string pushKey)
    {
        var group = route.Replies!;
        IReadOnlyList<CompiledReply> sequence = group.Mode == ReplyMode.RandomOne ? [group.Replies[group.PickPassive(PushKey.Choice(pushKey))]] : group.Replies;
        // The backend call is not tied to this request: if it outlives the budget its answer is still delivered.
        var resolving = resolver.ResolveAsync(account.Name, message, sequence, group, defaultGroup, CancellationToken.None);
        IReadOnlyList<Reply> replies;
        try
        {
            // Not cut short when WeChat hangs up: the answer is still remembered for its retry.
            replies = await resolving.WaitAsync(Remaining(arrived), time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            observer.BudgetFallback(account.Name);
            return new PushOutcome(RememberedAnswer.Nothing, route, "over budget", async stopping => await Deliver(account, message, await resolving.WaitAsync(stopping), stopping));
        }

        if (replies.Count == 0)
        {
            return new PushOutcome(RememberedAnswer.Nothing, route);
        }

        var first = ReplyBody.Prepare(replies[0], message.IsUserMessage ? ReplyLimits.MaxArticlesForUserMessage : ReplyLimits.MaxArticlesForEvent);
        return new PushOutcome(new RememberedAnswer(ReplyCreateTime(message), first), route, null, FollowUp(account, message, [.. replies.Skip(1)]));
    }

    private Func<CancellationToken, Task>? FollowUp(WeChatAccount account, InboundMessage message, IReadOnlyList<Reply> rest) =>
        rest.Count == 0 ? null : stopping => Deliver(account, message, rest, stopping);

    private Task Deliver(WeChatAccount account, InboundMessage message, IReadOnlyList<Reply> replies, CancellationToken stopping) =>
        customerService.SendAsync(account.Name, account.Credentials, message.FromUserName, replies, stopping);

    private TimeSpan Remaining(long arrived)
    {
        var left = _budget - time.GetElapsedTime(arrived);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private sealed class SideEffectsOnce(
        PushAnswerer owner, WeChatAccount account, InboundMessage message, RouteResult route, string? text, string pushKey, RateVerdict rate,
        RememberedAnswer answer, CompactAnswer compact, DateTimeOffset keepUntil, bool hasFollowUps)
        : PendingPush(account.Name, pushKey, message.CreateTime, answer, compact, keepUntil)
    {
        public WeChatAccount WeChatAccount { get; } = account;

        public InboundMessage Message { get; } = message;

        public RouteResult Route { get; } = route;

        public string? Text { get; } = text;

        public RateVerdict Rate { get; } = rate;

        /// <summary>Made only when the rest of a reply_all group waits on the verdict.</summary>
        public TaskCompletionSource<bool>? First { get; } = hasFollowUps ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;

        public override void Settled(bool first) => owner.Settle(this, first);
    }
}
