namespace BrandBot.Dashboard;

/// <summary>
/// <c>BrandBot:Dashboard:Operators:N</c>: one person who signs in with a token of their own, so the audit,
/// the rules history and the page's header name them. The settings hold only a salted hash of the token
/// (<see cref="OperatorTokenHash"/>), made with <c>brandbot dashboard hash-token</c>.
/// </summary>
public sealed class DashboardOperator
{
    /// <summary>The name shown in the header, the audit and the rules history, e.g. <c>Li Na</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The line <c>brandbot dashboard hash-token</c> prints: <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>.</summary>
    public string? TokenHash { get; set; }

    /// <summary><c>viewer</c> (looks) or <c>editor</c> (also publishes and rolls back).</summary>
    public string? Role { get; set; }
}
