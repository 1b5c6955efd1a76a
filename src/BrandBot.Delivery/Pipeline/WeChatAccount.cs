using BrandBot.Protocol.Crypto;
using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Delivery.Pipeline;

/// <summary>An account ready to serve: its secrets decoded once at startup.</summary>
public sealed class WeChatAccount
{
    /// <param name="encodingAesKey">Null or empty for a plaintext-only account.</param>
    /// <param name="appSecret">Null or empty when nothing may be sent later (no customer-service messages, no tags).</param>
    /// <param name="rulesFile">Relative paths resolve against the working directory.</param>
    public WeChatAccount(string name, string appId, string token, string? encodingAesKey, string? previousEncodingAesKey, string? appSecret, string? rulesFile)
    {
        Name = name;
        AppId = appId;
        Token = token;
        RulesFile = string.IsNullOrEmpty(rulesFile) ? null : Path.GetFullPath(rulesFile);
        Crypto = string.IsNullOrEmpty(encodingAesKey) ? null : new AccountCrypto(appId, encodingAesKey, previousEncodingAesKey);
        Credentials = string.IsNullOrEmpty(appSecret) ? null : new ApiCredentials(name, appId, appSecret);
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
