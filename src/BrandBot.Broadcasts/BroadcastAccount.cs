using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Broadcasts;

/// <summary>
/// An account as broadcasts see it: its kind decides the quotas (docs/broadcasts.md#wechats-rules-in-short) and
/// whether OpenID-list sends exist; without credentials it cannot broadcast.
/// </summary>
public sealed record BroadcastAccount(string Name, AccountKind Kind, ApiCredentials? Credentials);

public enum AccountKind
{
    /// <summary>服务号: each follower receives at most four mass messages a calendar month; OpenID lists allowed once verified.</summary>
    Service,

    /// <summary>订阅号 (now 公众号): one successful mass send a day, to everyone or one tag; no OpenID lists.</summary>
    Subscription,
}

/// <summary>The configured accounts by name.</summary>
public sealed class BroadcastAccounts(IEnumerable<BroadcastAccount> accounts)
{
    private readonly Dictionary<string, BroadcastAccount> _byName = accounts.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<BroadcastAccount> All => _byName.Values;

    public BroadcastAccount? Find(string name) => _byName.GetValueOrDefault(name);
}
