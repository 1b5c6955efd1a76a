using BrandBot.Options;
using BrandBot.Protocol.Crypto;

namespace BrandBot.Webhook;

/// <summary>An account ready to serve: its secrets decoded once at startup.</summary>
public sealed class WeChatAccount
{
    public WeChatAccount(AccountOptions options)
    {
        Name = options.Name;
        AppId = options.AppId;
        Token = options.Token;
        RulesFile = string.IsNullOrEmpty(options.RulesFile) ? null : Path.GetFullPath(options.RulesFile);
        Crypto = string.IsNullOrEmpty(options.EncodingAESKey)
            ? null
            : new AccountCrypto(options.AppId, options.EncodingAESKey, options.PreviousEncodingAESKey);
    }

    public string Name { get; }

    public string AppId { get; }

    public string Token { get; }

    /// <summary>Absolute path of the rules file, or null when the account has none.</summary>
    public string? RulesFile { get; }

    /// <summary>Null for a plaintext-only account.</summary>
    public AccountCrypto? Crypto { get; }
}
