using BrandBot.Options;
using Microsoft.Extensions.Options;

namespace BrandBot.Webhook;

/// <summary>The configured accounts by URL segment (case-insensitive, as URLs are typed by people).</summary>
public sealed class AccountDirectory(IOptions<BrandBotOptions> options)
{
    private readonly Dictionary<string, WeChatAccount> _byName =
        options.Value.Accounts.Select(a => new WeChatAccount(a)).ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<WeChatAccount> All => _byName.Values;

    public WeChatAccount? Find(string name) => _byName.GetValueOrDefault(name);
}
