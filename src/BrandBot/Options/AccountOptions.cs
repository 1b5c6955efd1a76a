namespace BrandBot.Options;

/// <summary>One Official Account: <c>BrandBot:Accounts:N</c>. The names are a contract (docs/configuration.md).</summary>
public sealed class AccountOptions
{
    /// <summary>The URL segment: pushes arrive at <c>/wechat/{Name}</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The <c>wx…</c> AppId (not the <c>gh_…</c> id); checked inside every encrypted push.</summary>
    public string AppId { get; set; } = "";

    public string Token { get; set; } = "";

    /// <summary>Optional for plaintext-only accounts.</summary>
    public string? EncodingAESKey { get; set; }

    /// <summary>The key before the last rotation, tried when the current one fails (docs/protocol.md §2.7).</summary>
    public string? PreviousEncodingAESKey { get; set; }

    public string? AppSecret { get; set; }

    /// <summary><c>service</c> (服务号, the default) or <c>subscription</c> (订阅号): decides broadcast quotas and whether OpenID-list sends exist.</summary>
    public string Kind { get; set; } = "service";

    /// <summary>Relative paths resolve against the working directory.</summary>
    public string? RulesFile { get; set; }
}
