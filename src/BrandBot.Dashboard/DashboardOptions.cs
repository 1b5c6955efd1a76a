namespace BrandBot.Dashboard;

/// <summary>
/// <c>BrandBot:Dashboard</c>: the operator dashboard, served by the same process on its own listener.
/// Off unless <see cref="Urls"/> is set; then at least one token or operator must be set (it never opens without sign-in).
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

    /// <summary>
    /// People who sign in with tokens of their own (named in the audit, the rules history and the header),
    /// beside or instead of the two shared role tokens above.
    /// </summary>
    public List<DashboardOperator> Operators { get; set; } = [];

    /// <summary>True: every write route is gone (404) and no write control is drawn, whoever signs in.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>A session ends after this long without a request (sliding).</summary>
    public int SessionMinutes { get; set; } = 30;

    /// <summary>
    /// A session ends this long after sign-in however busy it is (an open page refreshes every 5 s, so
    /// the sliding expiry alone would never end it).
    /// </summary>
    public int SessionMaxHours { get; set; } = 12;

    /// <summary>
    /// Failed sign-ins allowed per client per minute before further tries get 429 (a client is an IPv4
    /// address or an IPv6 /64, as the connection or a trusted proxy's X-Forwarded-For gives it).
    /// </summary>
    public int MaxFailedSignInsPerMinute { get; set; } = 5;

    /// <summary>
    /// Failed sign-ins allowed per minute from all clients together before every try gets 429 until the
    /// minute ends: the brake for a client that rotates its addresses.
    /// </summary>
    public int MaxFailedSignInsPerMinuteInTotal { get; set; } = 100;

    /// <summary>
    /// Host names (no scheme or port, several separated by <c>;</c>) the dashboard answers sign-ins and
    /// writes under besides the hosts of <see cref="Urls"/>, e.g. the name a TLS proxy serves it as.
    /// Any other Host is refused there (DNS rebinding). With a wildcard URL (<c>0.0.0.0</c>, <c>*</c>,
    /// <c>+</c>, <c>[::]</c>) IP literals and <c>localhost</c> are accepted too.
    /// </summary>
    public string? AllowedHosts { get; set; }

    /// <summary>A sign-in's body holds one token: anything longer is refused (413) without being read.</summary>
    public const int MaxSignInBodyBytes = 4 * 1024;

    /// <summary>
    /// The largest write body (a rules file in JSON, twice over for escaping): files beyond this are
    /// published with <c>brandbot rules publish</c>, not through a browser.
    /// </summary>
    public const int MaxWriteBodyBytes = 4 * 1024 * 1024;

    public bool Enabled => !string.IsNullOrWhiteSpace(Urls);

    public IReadOnlyList<string> UrlList =>
        (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> AllowedHostList =>
        (AllowedHosts ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
