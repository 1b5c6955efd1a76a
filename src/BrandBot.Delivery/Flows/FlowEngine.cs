using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Flows;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;

namespace BrandBot.Delivery.Flows;

/// <summary>
/// What one push does to a follower's flow. <see cref="State"/> is the state to store (null with
/// <see cref="Write"/>: delete it); <see cref="Replies"/> the answer (the first passively, the rest by
/// customer-service message); <see cref="RouteNormally"/>: answer the push as if there were no flow
/// (after storing the state), with <see cref="Replies"/> (a timeout notice) put in front when it is
/// text; <see cref="Call"/>: a backend call to make before answering.
/// </summary>
public sealed record FlowDecision(FlowState? State, bool Write, IReadOnlyList<Reply> Replies, bool RouteNormally, CallStep? Call, string? Flow, IReadOnlyList<string> Events)
{
    /// <summary>No flow is involved: route as always, store nothing.</summary>
    public static FlowDecision Pass { get; } = new(null, false, [], true, null, null, []);
}

/// <summary>A brand backend's say in a flow (its answer's <c>"flow"</c> object, docs/flows-design.md §4.5).</summary>
public abstract record FlowDirective
{
    public static FlowDirective End { get; } = new EndDirective();
}

public sealed record EndDirective : FlowDirective;

public sealed record ReaskDirective(string Slot, string? Text) : FlowDirective;

public sealed record SetDirective(IReadOnlyDictionary<string, string> Slots, string? Next) : FlowDirective;

/// <summary>
/// The flow state machine, a pure function of (state, push, definition, now) — so every instance, and
/// every attempt of a push, decides the same, and the commit can be a compare-and-set (the caller
/// numbers the revision: the one read plus one)
/// (docs/flows-design.md §4.4). The order for a push: unfollow ends the flow; an expired flow is
/// gone (the push routes normally after an <c>onTimeout</c> notice); a flow of an older rules version
/// continues when its step and slots still exist, else ends with <c>changed</c>; a cancel word ends it;
/// an event or an <c>escape</c> rule interrupts it as declared; during a backend call the answer is
/// <c>busy</c>; otherwise the current <c>ask</c> takes the message as its answer.
/// </summary>
public static class FlowEngine
{
    /// <summary>A backend call still marked running after this long was lost with its instance (calls time out within 60 s).</summary>
    public const long PendingLimitSeconds = 120;

    public static FlowDecision Decide(
        CompiledFlows flows, long version, FlowState? state, InboundMessage message, string? normalizedText, RouteResult route,
        long now, DateOnly today, string newInstance)
    {
        if (message is UnsubscribeEvent)
        {
            return state is null ? FlowDecision.Pass : new(null, true, [], true, null, state.Flow, ["cancelled"]);
        }

        IReadOnlyList<Reply> notice = [];
        var events = new List<string>();
        string? endedFlow = null;
        if (state is not null && (!flows.Flows.TryGetValue(state.Flow, out var running) || now > state.LastAt + (running.TimeoutMinutes * 60L)))
        {
            // Past its timeout (or its flow is gone): the flow is over, this push is routed as if it never was.
            events.Add("timed_out");
            endedFlow = state.Flow;
            notice = CompiledFlows.Render(flows.Defaults.OnTimeout, state.Slots);
            state = null;
        }

        if (state is not null && state.Version != version)
        {
            var flow = flows.Flows[state.Flow];
            if (flow.IndexOf(state.Step) is null || state.Slots.Keys.Any(slot => flow.IndexOf(slot) is null))
            {
                return new(null, true, CompiledFlows.Render(flows.Defaults.Changed, state.Slots), false, null, state.Flow, ["cancelled"]);
            }

            state = state with { Version = version };
        }

        if (state is null)
        {
            if (route.Flow is { } start && flows.Flows.TryGetValue(start, out var starting))
            {
                var fresh = new FlowState(start, version, newInstance, "", 0, new Dictionary<string, string>(), 0, 0, now, false);
                var entered = Enter(flows, starting, fresh, 0, [.. events, "started"]);
                return entered with { Replies = [.. Merge(notice, entered.Replies)] };
            }

            return endedFlow is null ? FlowDecision.Pass : new(null, true, notice, true, null, endedFlow, events);
        }

        var current = flows.Flows[state.Flow];
        if (normalizedText is not null && flows.CancelWords.Contains(normalizedText))
        {
            return new(null, true, CompiledFlows.Render(flows.Defaults.Cancelled, state.Slots), false, null, state.Flow, ["cancelled"]);
        }

        if (message is EventMessage || route.Escape)
        {
            if (current.Definition.Interrupts == FlowInterrupts.Resume && route.Flow is null)
            {
                // Answered as if there were no flow; the flow waits where it was (its prompt is not re-sent).
                return new(state, false, [], true, null, state.Flow, ["interrupted"]);
            }

            if (route.Flow is { } other && flows.Flows.TryGetValue(other, out var next))
            {
                var restarted = Enter(flows, next, new FlowState(other, version, newInstance, "", 0, new Dictionary<string, string>(), 0, 0, now, false), 0, ["interrupted", "started"]);
                return restarted with { Flow = other };
            }

            return new(null, true, [], true, null, state.Flow, ["interrupted"]);
        }

        if (state.Pending && now > state.LastAt + PendingLimitSeconds)
        {
            // The instance that ran the call died before its answer: the flow is over, this push is routed as if it never was.
            return new(null, true, [], true, null, state.Flow, ["cancelled"]);
        }

        if (state.Pending)
        {
            return new(state, false, CompiledFlows.Render(flows.Defaults.Busy, state.Slots), false, null, state.Flow, []);
        }

        if (state.Messages + 1 > flows.Defaults.MaxMessages || current.IndexOf(state.Step) is not { } index || current.Steps[index] is not AskStep ask)
        {
            return new(null, true, CompiledFlows.Render(flows.Defaults.Exhausted, state.Slots), false, null, state.Flow, ["exhausted"]);
        }

        var counted = state with { Messages = state.Messages + 1, LastAt = now };
        var text = message switch
        {
            TextMessage t => t.Content,
            VoiceMessage { Recognition: { Length: > 0 } heard } => heard,
            _ => null,
        };
        if (current.Accept(ask, text, today) is { } value)
        {
            var slots = new Dictionary<string, string>(state.Slots, StringComparer.Ordinal) { [ask.Slot] = value };
            return Enter(flows, current, counted with { Slots = slots, Tries = 0 }, index + 1, ["step_valid"]);
        }

        return Invalid(flows, ask, counted, state.Tries + 1);
    }

    /// <summary>What a backend call's answer does: its replies are the answer, and it ends the flow unless it asks again or jumps.</summary>
    /// <param name="replies">The backend's replies; null when it failed (the step's fallback answers and the flow ends).</param>
    public static FlowDecision AfterCall(CompiledFlows flows, FlowState state, CallStep call, IReadOnlyList<Reply>? replies, FlowDirective directive, IReadOnlyList<Reply> defaultReplies)
    {
        var next = state with { Pending = false };
        if (replies is null)
        {
            var fallback = call.Fallback.Count > 0 ? CompiledFlows.Render(call.Fallback, state.Slots) : defaultReplies;
            return new(null, true, fallback, false, null, state.Flow, []);
        }

        if (!flows.Flows.TryGetValue(state.Flow, out var flow))
        {
            return new(null, true, replies, false, null, state.Flow, ["completed"]);
        }

        switch (directive)
        {
            case ReaskDirective reask when flow.IndexOf(reask.Slot) is { } index && flow.Steps[index] is AskStep ask:
                var slots = new Dictionary<string, string>(state.Slots, StringComparer.Ordinal);
                slots.Remove(reask.Slot);
                var asked = next with { Step = ask.Slot, Slots = slots };
                var tries = state.Step == ask.Slot ? state.Tries + 1 : 1;
                if (tries >= ask.Attempts)
                {
                    return new(null, true, Exhausted(flows, ask, state), false, null, state.Flow, ["exhausted"]);
                }

                IReadOnlyList<Reply> say = reask.Text is { Length: > 0 } t ? [new TextReply(t)] : CompiledFlows.Render(ask.Prompt, slots);
                return new(asked with { Tries = tries }, true, say, false, null, state.Flow, ["step_invalid"]);
            case SetDirective set when set.Next is null || flow.IndexOf(set.Next) is { } _:
                var filled = new Dictionary<string, string>(state.Slots, StringComparer.Ordinal);
                foreach (var (name, value) in set.Slots)
                {
                    filled[name] = value.Length > FlowState.MaxSlotLength ? value[..FlowState.MaxSlotLength] : value;
                }

                var from = set.Next is null ? (flow.IndexOf(state.Step) ?? flow.Steps.Count) + 1 : flow.IndexOf(set.Next)!.Value;
                // Forward only: a jump back could loop for ever.
                if (from <= (flow.IndexOf(state.Step) ?? 0))
                {
                    return new(null, true, replies, false, null, state.Flow, ["completed"]);
                }

                var entered = Enter(flows, flow, next with { Slots = filled, Tries = 0 }, from, []);
                return entered with { Replies = [.. Merge(replies, entered.Replies)] };
            default:
                return new(null, true, replies, false, null, state.Flow, ["completed"]);
        }
    }

    /// <summary>Runs from step <paramref name="index"/>: says what <c>say</c> steps say, then asks (prompt), calls, or ends.</summary>
    private static FlowDecision Enter(CompiledFlows flows, CompiledFlow flow, FlowState state, int index, List<string> events)
    {
        var said = new List<Reply>();
        for (var i = index; i < flow.Steps.Count; i++)
        {
            switch (flow.Steps[i])
            {
                case SayStep say:
                    said.AddRange(CompiledFlows.Render(say.Replies, state.Slots));
                    break;
                case AskStep filled when state.Slots.ContainsKey(filled.Slot):
                    // Filled already (a backend asked again for an earlier slot): not asked twice.
                    break;
                case AskStep ask:
                    var asking = state with { Step = ask.Slot, Tries = 0 };
                    return new(asking, true, [.. Merge(said, CompiledFlows.Render(ask.Prompt, state.Slots))], false, null, flow.Name, events);
                case CallStep call:
                    var calling = state with { Step = call.Id, Pending = true };
                    return new(calling, true, said, false, call, flow.Name, events);
            }
        }

        return new(null, true, said, false, null, flow.Name, [.. events, "completed"]);
    }

    private static FlowDecision Invalid(CompiledFlows flows, AskStep ask, FlowState state, int tries)
    {
        if (tries >= ask.Attempts)
        {
            return new(null, true, Exhausted(flows, ask, state), false, null, state.Flow, ["step_invalid", "exhausted"]);
        }

        var invalid = ask.Invalid.Count > 0 ? ask.Invalid : ask.Prompt;
        return new(state with { Tries = tries }, true, CompiledFlows.Render(invalid, state.Slots), false, null, state.Flow, ["step_invalid"]);
    }

    private static IReadOnlyList<Reply> Exhausted(CompiledFlows flows, AskStep ask, FlowState state) =>
        CompiledFlows.Render(ask.Exhausted.Count > 0 ? ask.Exhausted : flows.Defaults.Exhausted, state.Slots);

    /// <summary>One passive reply exists: texts said before a prompt join it in one text; anything else goes in order.</summary>
    public static IEnumerable<Reply> Merge(IReadOnlyList<Reply> before, IReadOnlyList<Reply> after)
    {
        if (before.Count == 0)
        {
            return after;
        }

        if (after.Count == 0)
        {
            return before;
        }

        if (before.All(r => r is TextReply) && after[0] is TextReply first)
        {
            var joined = string.Join("\n\n", before.Cast<TextReply>().Select(t => t.Content).Append(first.Content));
            return after.Skip(1).Prepend(new TextReply(joined));
        }

        return before.Concat(after);
    }
}
