using BrandBot.Account.Tagging;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;
using BrandBot.Rules.Matching;

namespace BrandBot.Delivery.Answering;

/// <summary>
/// What must happen exactly once per push, and only for the attempt that counts: statistics and
/// metrics, and the follower tag its rule or scene gives (queued; the tagger sends it later, off the
/// request path). Never throws, never waits.
/// </summary>
public sealed class PushEffects(HitRecorder hits, ITagQueue tags)
{
    public void Run(WeChatAccount account, InboundMessage message, RouteResult route, string? normalizedText)
    {
        hits.Record(account.Name, message, route, normalizedText);
        // Without an AppSecret nothing could send it; the rules validation says so.
        if (route.Tag is { } tag && account.Credentials is not null && message is not UnsubscribeEvent)
        {
            tags.Enqueue(account.Name, new TagRequest(tag, message.FromUserName));
        }
    }
}
