namespace BrandBot.Delivery.Pipeline;

/// <summary>The configured accounts by URL segment (case-insensitive, as URLs are typed by people).</summary>
public sealed class AccountDirectory(IEnumerable<WeChatAccount> accounts)
{
    private readonly Dictionary<string, WeChatAccount> _byName = accounts.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<WeChatAccount> All => _byName.Values;

    public WeChatAccount? Find(string name) => _byName.GetValueOrDefault(name);
}
