using BrandBot.Delivery.Dedup;
using BrandBot.Delivery.WeChatApi;
using BrandBot.Metrics;
using BrandBot.Options;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;
using BrandBot.Rules.Store;
using BrandBot.Webhook;
using Microsoft.Extensions.Options;

namespace BrandBot.Delivery;

/// <summary>
/// What to answer a push with, and what (if anything) to send after the answer is written.
/// <paramref name="Route"/> and <paramref name="Note"/> say why, for the log (formatted only when
/// debug logging is on): the routing decision, and "replayed", "rate-limited", "over budget", ….
/// </summary>
public readonly record struct PushOutcome(RememberedAnswer Answer, RouteResult? Route, string? Note = null, Func<CancellationToken, Task>? FollowUp = null)
{
    public string Describe()
    {
        var how = Route is null ? "" : Route.RuleName is null ? Route.Kind.ToString() : $"{Route.Kind} {Route.RuleName}";
        return Note is null ? how : how.Length == 0 ? Note : $"{how} ({Note})";
    }
}

/// <summary>
/// Answers every follower exactly once (issue 5). A push goes through the gate: a retry gets the
/// first attempt's answer (waiting for it, within the budget, while it is still being computed);
/// a follower over a rate limit gets <c>success</c>; a first attempt is routed and counted once.
/// Replies fixed in the rules answer at once; replies that need a brand backend race the budget,
/// and when they lose, the push is answered <c>success</c> in time and the reply follows through the
/// customer-service API. The rest of a reply_all group always follows that way, in order.
/// </summary>
public sealed class PushAnswerer(
    LiveRuleSets rules,
    IPushGate gate,
    ReplyResolver resolver,
    CustomerService customerService,
    HitRecorder hits,
    BrandBotMetrics metrics,
    TimeProvider time,
    IOptions<BrandBotOptions> options)
{
    private readonly TimeSpan _budget = TimeSpan.FromMilliseconds(options.Value.PushBudgetMilliseconds);
    private readonly TimeSpan _keep = TimeSpan.FromSeconds(options.Value.DedupSeconds);
    // The in-flight mark outlives the budget a little, so a retry only takes over from an attempt whose instance died.
    private readonly TimeSpan _lease = TimeSpan.FromMilliseconds(options.Value.PushBudgetMilliseconds + 2000);
    private readonly RateLimits _limits = new(
        options.Value.RateLimit.PerFollower, options.Value.RateLimit.PerFollowerWindowSeconds,
        options.Value.RateLimit.PerAccount, options.Value.RateLimit.PerAccountWindowSeconds);

    /// <param name="arrived">When the request arrived (<see cref="TimeProvider.GetTimestamp"/>): the budget runs from there.</param>
    /// <param name="acceptedUntil">When the push's signature leaves the replay window (Unix seconds), or null when the window is off.</param>
    public async Task<PushOutcome> AnswerAsync(WeChatAccount account, InboundMessage message, long arrived, long? acceptedUntil, CancellationToken cancellationToken)
    {
        var keep = KeepFor(acceptedUntil);
        var ruleSet = rules.Get(account.Name);
        var text = CompiledRuleSet.NormalizedTextOf(message);
        var route = ruleSet.Route(message, text);
        var pushKey = PushKey.Of(message);
        // Replies fixed in the rules are ready before the gate (choosing one is all the work), so the
        // gate stores them as it admits the push: one shared-store call per push.
        var ready = route.Replies is { CallsBackend: true } ? (PushOutcome?)null : Fixed(account, message, route, pushKey);
        var ticket = new PushTicket(account.Name, pushKey, CountsTowardLimits(route) ? PushKey.Follower(message) : null, _lease, _limits, time.GetUtcNow())
        {
            Answer = ready?.Answer,
            Keep = keep,
        };

        GateVerdict verdict;
        using (var gateSpan = Tracing.Source.StartActivity("brandbot.gate"))
        {
            verdict = await gate.EnterAsync(ticket, cancellationToken);
            gateSpan?.SetTag("brandbot.gate", verdict.Outcome.ToString());
        }

        if (verdict.Outcome == GateOutcome.InFlight)
        {
            metrics.DedupHit(account.Name, "waited");
            verdict = await gate.WaitAsync(account.Name, pushKey, Remaining(arrived), cancellationToken);
            if (verdict.Outcome == GateOutcome.Vacant)
            {
                // The first attempt's instance died before answering: this attempt takes over.
                verdict = await gate.EnterAsync(ticket with { Now = time.GetUtcNow() }, cancellationToken);
            }
        }

        switch (verdict.Outcome)
        {
            case GateOutcome.Answered:
                metrics.DedupHit(account.Name, "replayed");
                return new PushOutcome(verdict.Answer!, null, "replayed");
            case GateOutcome.InFlight or GateOutcome.Vacant:
                // Still being computed past our budget: whatever it yields goes out through customer service.
                return new PushOutcome(RememberedAnswer.Nothing, null, "still in flight");
            case GateOutcome.Limited:
                metrics.RateLimited(account.Name, verdict.LimitedBy == LimitScope.Account ? "account" : "follower");
                if (ready is null)
                {
                    gate.Remember(account.Name, pushKey, RememberedAnswer.Nothing, keep);
                }

                return new PushOutcome(RememberedAnswer.Nothing, route, "rate-limited");
        }

        hits.Record(account.Name, message, route, text);
        if (ready is { } fixedOutcome)
        {
            return fixedOutcome;
        }

        var outcome = await ComposeWithBackendAsync(account, message, route, ruleSet.Default.Replies, arrived, pushKey);
        gate.Remember(account.Name, pushKey, outcome.Answer, keep);
        return outcome;
    }

    /// <summary>
    /// How long the push's record must live: for WeChat's retries (<c>DedupSeconds</c>), and for as long
    /// as its signature is accepted — a request captured on the way and sent again byte for byte passes
    /// the replay check until <paramref name="acceptedUntil"/>, and must find its record (the first
    /// answer, nothing processed again) all that time.
    /// </summary>
    private TimeSpan KeepFor(long? acceptedUntil)
    {
        if (acceptedUntil is not { } until)
        {
            return _keep;
        }

        var acceptedFor = TimeSpan.FromSeconds(until - time.GetUtcNow().ToUnixTimeSeconds() + 1);
        return acceptedFor > _keep ? acceptedFor : _keep;
    }

    /// <summary>Rule-triggering pushes count; follows and scans never do (a follow must never be lost).</summary>
    private static bool CountsTowardLimits(RouteResult route) =>
        route.HasReply && route.Kind is MatchKind.Keyword or MatchKind.Menu or MatchKind.Default;

    /// <summary>The answer from replies fixed in the rules (rendered and listed at publish time): no work here but choosing.</summary>
    private PushOutcome Fixed(WeChatAccount account, InboundMessage message, RouteResult route, string pushKey)
    {
        if (route.Replies is not { Replies.Count: > 0 } group)
        {
            return new PushOutcome(RememberedAnswer.Nothing, route);
        }

        var body = group.Replies[group.PickPassive(PushKey.Choice(pushKey))].BodyFor(message.IsUserMessage);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return new PushOutcome(new RememberedAnswer(now, body), route, null, FollowUp(account, message, group.FollowUps));
    }

    private async Task<PushOutcome> ComposeWithBackendAsync(
        WeChatAccount account, InboundMessage message, RouteResult route, CompiledReplyGroup? defaultGroup, long arrived, string pushKey)
    {
        var group = route.Replies!;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
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
            metrics.BudgetFallback(account.Name);
            return new PushOutcome(RememberedAnswer.Nothing, route, "over budget", async stopping => await Deliver(account, message, await resolving.WaitAsync(stopping), stopping));
        }

        if (replies.Count == 0)
        {
            return new PushOutcome(RememberedAnswer.Nothing, route);
        }

        var first = ReplyBody.Prepare(replies[0], message.IsUserMessage ? ReplyLimits.MaxArticlesForUserMessage : ReplyLimits.MaxArticlesForEvent);
        return new PushOutcome(new RememberedAnswer(now, first), route, null, FollowUp(account, message, [.. replies.Skip(1)]));
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
}
