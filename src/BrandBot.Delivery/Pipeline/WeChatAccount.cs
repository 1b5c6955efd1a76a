using BrandBot.WeChatApi.Tokens;
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
        Credentials = string.IsNullOrEmpty(options.AppSecret) ? null : new ApiCredentials(options.Name, options.AppId, options.AppSecret);
    }

    /// <summary>For customer-service sends; null without an AppSecret (then nothing can be sent later).</summary>
    public ApiCredentials? Credentials { get; }

    public string Name { get; }

    public string AppId { get; }

    public string Token { get; }

    /// <summary>Absolute path of the rules file, or null when the account has none.</summary>
    public string? RulesFile { get; }

    /// <summary>Null for a plaintext-only account.</summary>
    public AccountCrypto? Crypto { get; }
}
