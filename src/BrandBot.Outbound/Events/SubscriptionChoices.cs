using BrandBot.Protocol.Inbound;

namespace BrandBot.Outbound.Events;

/// <summary>
/// The follower's choices in <c>subscribe_msg_popup_event</c> and <c>subscribe_msg_change_event</c>
/// (docs/outbound-messages.md#subscription-notifications): one or more <c>List</c> elements, each a
/// <c>TemplateId</c> and a <c>SubscribeStatusString</c> of <c>accept</c> or <c>reject</c>. The wrapper's
/// name varies (WeChat's own sample of the change event reuses the popup's), so only the leaves count.
/// </summary>
public static class SubscriptionChoices
{
    public static bool Concerns(InboundMessage message) =>
        message is UnknownEvent e
        && (e.Event.Equals("subscribe_msg_popup_event", StringComparison.OrdinalIgnoreCase)
            || e.Event.Equals("subscribe_msg_change_event", StringComparison.OrdinalIgnoreCase));

    public static IReadOnlyList<(string TemplateId, bool Accepted)> Read(InboundMessage message)
    {
        var choices = new List<(string, bool)>();
        string? template = null;
        string? status = null;
        foreach (var (path, value) in message.Fields.All)
        {
            var leaf = path[(path.LastIndexOf('/') + 1)..];
            if (leaf == "TemplateId")
            {
                Flush();
                template = value.Trim();
            }
            else if (leaf == "SubscribeStatusString")
            {
                if (status is not null)
                {
                    Flush();
                }

                status = value.Trim();
            }
        }

        Flush();
        return choices;

        void Flush()
        {
            if (template is { Length: > 0 } && status is not null)
            {
                choices.Add((template, status.Equals("accept", StringComparison.OrdinalIgnoreCase)));
                template = null;
                status = null;
            }
        }
    }
}
