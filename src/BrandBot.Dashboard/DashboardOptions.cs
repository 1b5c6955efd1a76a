namespace BrandBot.Dashboard;

/// <summary>
/// <c>BrandBot:Dashboard</c>: the operator dashboard, served by the same process on its own listener.
/// Off unless <see cref="Urls"/> is set; then at least one token must be set (it never opens without sign-in).
/// </summary>
public sealed class DashboardOptions
{
    public const string Section = "BrandBot:Dashboard";

    /// <summary>
    /// Where the dashboard listens, e.g. <c>http://127.0.0.1:8081</c> (several separated by <c>;</c>);
    /// empty: no dashboard. Each URL needs an explicit port: requests are told apart by the port they
    /// arrived on, never by their Host header.
    /// </summary>
    public string? Urls { get; set; }

    /// <summary>Sign-in token that may look at everything and change nothing (a secret file, like every secret).</summary>
    public string? ViewerToken { get; set; }

    /// <summary>Sign-in token that may also publish, roll back and turn unanswered texts into rules.</summary>
    public string? EditorToken { get; set; }

    /// <summary>True: every write route is gone (404) and no write control is drawn, whoever signs in.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>A session ends after this long without a request (sliding).</summary>
    public int SessionMinutes { get; set; } = 30;

    /// <summary>Failed sign-ins allowed per client address per minute before further tries get 429.</summary>
    public int MaxFailedSignInsPerMinute { get; set; } = 5;

    public bool Enabled => !string.IsNullOrWhiteSpace(Urls);

    public IReadOnlyList<string> UrlList =>
        (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
