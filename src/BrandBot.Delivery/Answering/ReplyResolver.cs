using BrandBot.Delivery.Backend;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;

namespace BrandBot.Delivery.Answering;

/// <summary>
/// Turns the replies a rule picked into concrete replies, calling brand backends for
/// <c>webhook</c> entries. A failing backend (or one whose circuit is open) contributes the group's
/// fallback replies, or the default reply when the group has none.
/// </summary>
public sealed class ReplyResolver(BackendClient backends, Random random)
{
    public async Task<IReadOnlyList<Reply>> ResolveAsync(
        string account, InboundMessage message, IReadOnlyList<CompiledReply> sequence, CompiledReplyGroup group,
        CompiledReplyGroup? defaultGroup, CancellationToken cancellationToken)
    {
        var replies = new List<Reply>();
        foreach (var reply in sequence)
        {
            switch (reply.Source)
            {
                case StaticReply fixedReply:
                    replies.Add(fixedReply.Reply);
                    break;
                case WebhookReply webhook:
                    var result = await backends.CallAsync(
                        account, webhook.Url, TimeSpan.FromMilliseconds(webhook.TimeoutMs), BackendPush.From(account, message), cancellationToken);
                    replies.AddRange(result.Replies ?? Fallback(group, defaultGroup));
                    break;
            }
        }

        return replies;
    }

    private IEnumerable<Reply> Fallback(CompiledReplyGroup group, CompiledReplyGroup? defaultGroup)
    {
        if (group.Fallback.Count > 0)
        {
            return group.Fallback;
        }

        if (defaultGroup is null || ReferenceEquals(defaultGroup, group))
        {
            return [];
        }

        var fixedReplies = defaultGroup.Replies.Select(r => r.Source).OfType<StaticReply>().Select(r => r.Reply).ToList();
        return defaultGroup.Mode == ReplyMode.RandomOne && fixedReplies.Count > 1 ? [fixedReplies[random.Next(fixedReplies.Count)]] : fixedReplies;
    }
}
