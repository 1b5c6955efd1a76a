using BrandBot.Delivery.Dedup;
using BrandBot.Protocol.Inbound;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Stats;

namespace BrandBot.Delivery.Answering;

/// <summary>Turns a routed push into statistics (store) and counters (metrics). Never throws.</summary>
public sealed class HitRecorder(IHitStats stats, IDeliveryObserver observer)
{
    /// <param name="normalizedText">What the push was matched on (<see cref="CompiledRuleSet.NormalizedTextOf"/>), if anything.</param>
    public void Record(string account, InboundMessage message, RouteResult route, string? normalizedText)
    {
        try
        {
            switch (message)
            {
                case SubscribeEvent follow:
                    stats.Follow(account, follow.Scene, PushKey.Follower(message));
                    observer.Followed(account, SceneLabel(follow.Scene, route));
                    break;
                case UnsubscribeEvent:
                    stats.Unfollow(account, PushKey.Follower(message));
                    observer.Unfollowed(account);
                    break;
                case ScanEvent scan:
                    stats.Scan(account, scan.Scene);
                    break;
                case ClickEvent click:
                    stats.MenuClick(account, click.Key);
                    break;
                case ViewEvent view:
                    stats.MenuClick(account, view.Url);
                    break;
            }

            if (message.IsUserMessage)
            {
                stats.Message(account);
            }

            if (route.Kind is MatchKind.Keyword or MatchKind.Menu && route.RuleName is { } rule)
            {
                stats.RuleHit(account, rule);
                observer.RuleHit(account, rule);
            }
            else if (route.Kind is MatchKind.Default or MatchKind.None && normalizedText is { Length: > 0 })
            {
                stats.Unanswered(account, normalizedText);
                observer.Unanswered(account);
            }
        }
        catch (Exception)
        {
            // Counting must never cost a follower their answer.
        }
    }

    /// <summary>The value a follow's scene is counted under in metrics.</summary>
    public const string OtherScene = "other";

    /// <summary>
    /// A follow's scene as a metrics label: the scene when the rules that answered it declare it (its
    /// route is the scene's, or gives the scene's channel tag), <see cref="OtherScene"/> for any other,
    /// empty for a plain follow. The EventKey is the follower's to write; a label set must stay bounded.
    /// </summary>
    public static string SceneLabel(string? scene, RouteResult route) =>
        scene is null ? "" : route.Kind == MatchKind.Scene || route.Tag is not null ? scene : OtherScene;
}
