namespace BrandBot.Api;

/// <summary>
/// <c>BrandBot:Api</c>: the outbound-messages API on its own listener. Off unless <see cref="Urls"/> is
/// set; then at least one key must be (docs/configuration.md#settings).
/// </summary>
public sealed class ApiOptions
{
    public const string Section = "BrandBot:Api";

    /// <summary>Where the API listens, e.g. <c>http://127.0.0.1:8082</c> (several separated by <c>;</c>); each with its own port.</summary>
    public string? Urls { get; set; }

    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>A single message's body beyond this is refused (413) without being read further.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>A batch's body beyond this is refused (413).</summary>
    public int MaxBatchBodyBytes { get; set; } = 4 * 1024 * 1024;

    public bool Enabled => !string.IsNullOrWhiteSpace(Urls);

    public IReadOnlyList<string> UrlList =>
        (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary><c>BrandBot:Api:Keys:N</c>: one caller's key and the accounts it may send for.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Who holds it; shown in logs instead of the key.</summary>
    public string Name { get; set; } = "";

    /// <summary>At least 24 characters; usually a secret file (BrandBot__Api__Keys__0__Key).</summary>
    public string Key { get; set; } = "";

    /// <summary>Account names, or <c>*</c> for all.</summary>
    public List<string> Accounts { get; set; } = [];
}
