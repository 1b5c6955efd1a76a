using BrandBot.Delivery;
using BrandBot.Delivery.Limits;
using BrandBot.Delivery.Pipeline;

namespace BrandBot.Options;

/// <summary>The libraries' own settings records, cut from the validated <c>BrandBot</c> section.</summary>
public static class LibraryOptions
{
    public static DeliveryOptions Delivery(this BrandBotOptions options) => new()
    {
        PushBudgetMilliseconds = options.PushBudgetMilliseconds,
        DedupSeconds = options.DedupSeconds,
        ReplayWindowSeconds = options.ReplayWindowSeconds,
        StatsUtcOffsetHours = options.StatsUtcOffsetHours,
        LogHashKey = options.LogHashKey,
        WarmUpRounds = options.WarmUpRounds,
    };

    public static RateLimits Limits(this BrandBotOptions options) => new(
        options.RateLimit.PerFollower, options.RateLimit.PerFollowerWindowSeconds, options.RateLimit.PerAccount, options.RateLimit.PerAccountWindowSeconds);

    /// <summary>The configured accounts, their secrets decoded once.</summary>
    public static IEnumerable<WeChatAccount> WeChatAccounts(this BrandBotOptions options) =>
        options.Accounts.Select(a => new WeChatAccount(a.Name, a.AppId, a.Token, a.EncodingAESKey, a.PreviousEncodingAESKey, a.AppSecret, a.RulesFile));

    /// <summary>The accounts as broadcasts see them: kind and credentials.</summary>
    public static IEnumerable<BrandBot.Broadcasts.BroadcastAccount> BroadcastAccounts(this BrandBotOptions options) =>
        options.WeChatAccounts().Zip(options.Accounts).Select(pair => new BrandBot.Broadcasts.BroadcastAccount(
            pair.First.Name, pair.Second.Kind == "subscription" ? BrandBot.Broadcasts.AccountKind.Subscription : BrandBot.Broadcasts.AccountKind.Service, pair.First.Credentials));
}
