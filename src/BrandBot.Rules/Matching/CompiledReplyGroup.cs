using BrandBot.Protocol.Replies;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Matching;

/// <summary>One reply of a group with its bodies rendered ahead of time for both contexts.</summary>
public sealed record CompiledReply(RuleReply Source, ReplyBody? ForUserMessage, ReplyBody? ForEvent)
{
    /// <summary>The prepared body for the context (docs/protocol.md §4.6: 1 article for messages, 8 for events).</summary>
    public ReplyBody? BodyFor(bool answeringUserMessage) => answeringUserMessage ? ForUserMessage : ForEvent;
}

/// <summary>A rule's (or the follow/default) replies, ready to answer with.</summary>
public sealed class CompiledReplyGroup
{
    public CompiledReplyGroup(ReplyGroupDefinition definition)
    {
        Mode = definition.Mode;
        Replies = [.. definition.Replies.Select(Compile)];
        // Empty lists are the shared empty array: 100,000 rules hold two of them each.
        Fallback = definition.Fallback.Count == 0 ? [] : [.. definition.Fallback.OfType<StaticReply>().Select(r => r.Reply)];
        CallsBackend = definition.Replies.Any(r => r is WebhookReply);
        FollowUps = Mode == ReplyMode.ReplyAll && !CallsBackend && definition.Replies.Count > 1
            ? [.. definition.Replies.Skip(1).OfType<StaticReply>().Select(r => r.Reply)]
            : [];
    }

    public ReplyMode Mode { get; }

    public IReadOnlyList<CompiledReply> Replies { get; }

    /// <summary>True when some reply is a <c>webhook</c>: answering may take a backend call and needs the budget.</summary>
    public bool CallsBackend { get; }

    /// <summary>
    /// For a group fixed in the rules: what follows the passive reply through the customer-service API
    /// (the rest of a <c>reply_all</c> group; nothing for <c>random_one</c>). Known at publish time.
    /// </summary>
    public IReadOnlyList<Reply> FollowUps { get; }

    /// <summary>What to answer instead when a backend call fails (empty: the default reply).</summary>
    public IReadOnlyList<Reply> Fallback { get; }

    /// <summary>
    /// The reply to send passively: the first for <c>reply_all</c>, a random one for <c>random_one</c>.
    /// The rest of a <c>reply_all</c> group goes out through the customer-service API.
    /// </summary>
    /// <param name="choice">
    /// A number fixed by the push's identity (not a fresh random number): every instance, and every
    /// attempt of the same push, picks the same reply, so a fixed answer is a pure function of the
    /// push and the rules version — a retry can be answered again without asking anyone.
    /// </param>
    public int PickPassive(ulong choice) =>
        Mode == ReplyMode.RandomOne && Replies.Count > 1 ? (int)(choice % (ulong)Replies.Count) : 0;

    private static CompiledReply Compile(RuleReply reply)
    {
        if (reply is not StaticReply { Reply: var fixedReply })
        {
            return new CompiledReply(reply, null, null);
        }

        var forUserMessage = ReplyBody.Prepare(fixedReply, ReplyLimits.MaxArticlesForUserMessage);
        // Only news differs between the two contexts (docs/protocol.md §4.6: 1 article vs 8); otherwise hold one body.
        var forEvent = fixedReply is NewsReply { Articles.Count: > ReplyLimits.MaxArticlesForUserMessage }
            ? ReplyBody.Prepare(fixedReply, ReplyLimits.MaxArticlesForEvent)
            : forUserMessage;
        return new CompiledReply(reply, forUserMessage, forEvent);
    }
}
