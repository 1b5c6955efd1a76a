namespace BrandBot.Rules.Model;

/// <summary>
/// A multi-step conversation (<c>flows.NAME</c>): steps that ask for slots, say something, or call the
/// brand's backend with what was collected (docs/flows-design.md §4.2).
/// </summary>
public sealed record FlowDefinition(string Name, IReadOnlyList<FlowStep> Steps, int Line)
{
    /// <summary>Overrides <see cref="FlowDefaults.TimeoutMinutes"/> for this flow.</summary>
    public int? TimeoutMinutes { get; init; }

    /// <summary>What a click, scan or escape rule does to this flow while it runs.</summary>
    public FlowInterrupts Interrupts { get; init; } = FlowInterrupts.Cancel;
}

public enum FlowInterrupts
{
    /// <summary>End the flow silently, then answer the event as if there were none.</summary>
    Cancel,

    /// <summary>Answer the event, keep the flow where it was; the next text continues it.</summary>
    Resume,
}

/// <summary>One step of a flow; <see cref="Id"/> is unique within the flow.</summary>
public abstract record FlowStep(string Id, int Line);

/// <summary>Asks for a slot: sends <see cref="Prompt"/>, then checks the answer with <see cref="Accept"/>.</summary>
public sealed record AskStep(string Slot, IReadOnlyList<RuleReply> Prompt, AcceptDefinition Accept, int Line) : FlowStep(Slot, Line)
{
    public const int DefaultAttempts = 3;

    public IReadOnlyList<RuleReply> Invalid { get; init; } = [];

    /// <summary>Invalid answers this step takes; the last sends <see cref="Exhausted"/> and ends the flow.</summary>
    public int Attempts { get; init; } = DefaultAttempts;

    public IReadOnlyList<RuleReply> Exhausted { get; init; } = [];
}

/// <summary>Says something and goes on to the next step.</summary>
public sealed record SayStep(IReadOnlyList<RuleReply> Replies, int Line) : FlowStep($"say@{Line}", Line);

/// <summary>Calls the brand's backend with the slots; its answer is the reply (and may steer the flow).</summary>
public sealed record CallStep(WebhookReply Webhook, IReadOnlyList<RuleReply> Fallback, int Line) : FlowStep($"call@{Line}", Line);

/// <summary>How an answer is checked; with nothing set, any text is accepted.</summary>
public sealed record AcceptDefinition(int Line)
{
    public string? Regex { get; init; }

    public IReadOnlyList<ChoiceDefinition> Choices { get; init; } = [];

    public (decimal? Min, decimal? Max)? Number { get; init; }

    /// <summary>Relative days from today (<c>today</c> = 0, <c>+30d</c> = 30) or absolute dates, as written.</summary>
    public (string From, string To)? Date { get; init; }
}

/// <summary>A choice: <see cref="Value"/> is stored when the answer equals one of <see cref="Say"/> (normalised).</summary>
public sealed record ChoiceDefinition(string Value, IReadOnlyList<string> Say);

/// <summary>Account-wide defaults for every flow (<c>flowDefaults:</c>).</summary>
public sealed record FlowDefaults
{
    public static FlowDefaults Builtin { get; } = new();

    public IReadOnlyList<string> CancelWords { get; init; } = ["cancel", "取消", "退出"];

    public IReadOnlyList<RuleReply> Cancelled { get; init; } = [new StaticReply(new Protocol.Replies.TextReply("OK, cancelled."), 0)];

    /// <summary>
    /// Sent when a flow ends because the follower's answers never fitted (a step's attempts used up, or
    /// the flow's message allowance spent) and the step has no <c>exhausted</c> reply of its own. It says
    /// what happened — the follower did not cancel — and how to start again.
    /// </summary>
    public IReadOnlyList<RuleReply> Exhausted { get; init; } =
        [new StaticReply(new Protocol.Replies.TextReply("Sorry, I couldn't use those answers, so I've stopped this conversation. Send your request again to start over."), 0)];

    public int TimeoutMinutes { get; init; } = 10;

    public IReadOnlyList<RuleReply> OnTimeout { get; init; } = [];

    public IReadOnlyList<RuleReply> Busy { get; init; } = [new StaticReply(new Protocol.Replies.TextReply("Still working on it, one moment…"), 0)];

    public int MaxMessages { get; init; } = 20;

    public IReadOnlyList<RuleReply> Changed { get; init; } = [new StaticReply(new Protocol.Replies.TextReply("This service was just updated — please start again."), 0)];

    public int Line { get; init; }
}
