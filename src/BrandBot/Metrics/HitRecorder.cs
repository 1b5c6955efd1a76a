using BrandBot.Protocol.Inbound;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Stats;

namespace BrandBot.Metrics;

/// <summary>Turns a routed push into statistics (store) and counters (metrics). Never throws.</summary>
public sealed class HitRecorder(IHitStats stats, BrandBotMetrics metrics)
{
    public void Record(string account, InboundMessage message, RouteResult route)
    {
        try
        {
            switch (message)
            {
                case SubscribeEvent follow:
                    stats.Follow(account, follow.Scene);
                    metrics.Follows.Inc(account, follow.Scene ?? "");
                    break;
                case UnsubscribeEvent:
                    stats.Unfollow(account);
                    metrics.Unfollows.Inc(account);
                    break;
            }

            if (route.Kind is MatchKind.Keyword or MatchKind.Menu && route.RuleName is { } rule)
            {
                stats.RuleHit(account, rule);
                metrics.RuleHits.Inc(account, rule);
            }
            else if (route.Kind is MatchKind.Default or MatchKind.None && TextOf(message) is { Length: > 0 } text)
            {
                stats.Unanswered(account, TextNormalizer.Normalize(text));
                metrics.Unanswered.Inc(account);
            }
        }
        catch (Exception)
        {
            // Counting must never cost a follower their answer.
        }
    }

    private static string? TextOf(InboundMessage message) => message switch
    {
        TextMessage text => text.Content,
        VoiceMessage voice => voice.Recognition,
        _ => null,
    };
}
