using BrandBot.Account.Tagging;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;
using BrandBot.Rules.Matching;
using Microsoft.Extensions.Logging;

namespace BrandBot.Delivery.Answering;

/// <summary>
/// What must happen exactly once per push, and only for the attempt that counts: statistics and
/// metrics, the follower tag its rule or scene gives (queued; the tagger sends it later, off the
/// request path), and whatever other rooms registered as an <see cref="IPushEffect"/>. Never throws,
/// never waits.
/// </summary>
public sealed class PushEffects(HitRecorder hits, ITagQueue tags, IEnumerable<IPushEffect> others, ILoggerFactory logs)
{
    private readonly IPushEffect[] _others = [.. others];
    private readonly ILogger _log = logs.CreateLogger(DeliveryLog.PushCategory);

    public void Run(WeChatAccount account, InboundMessage message, RouteResult route, string? normalizedText)
    {
        hits.Record(account.Name, message, route, normalizedText);
        // Without an AppSecret nothing could send it; the rules validation says so.
        if (route.Tag is { } tag && account.Credentials is not null && message is not UnsubscribeEvent)
        {
            tags.Enqueue(account.Name, new TagRequest(tag, message.FromUserName));
        }

        foreach (var effect in _others)
        {
            try
            {
                effect.Apply(account, message);
            }
            catch (Exception e)
            {
                // The follower's answer must not depend on another room's bookkeeping.
                DeliveryLog.PushEffectFailed(_log, effect.GetType().Name, account.Name, e);
            }
        }
    }
}
