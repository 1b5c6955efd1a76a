using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Dashboard;

/// <summary>A signed-in browser: its role and the anti-forgery token its writes must carry.</summary>
public sealed record DashboardSession(string Id, string Role, string CsrfToken, DateTimeOffset ExpiresAt);

/// <summary>
/// Sign-in by token, sessions kept in this process (a browser signs in to each instance it reaches; the
/// README says to keep a dashboard on one instance or sticky). The cookie carries only a random session
/// id; tokens are compared as SHA-256 hashes in fixed time and never stored or logged.
/// </summary>
public sealed class DashboardSessions(DashboardOptions options, TimeProvider time)
{
    public const string Viewer = "viewer";
    public const string Editor = "editor";
    public const string CookieName = "brandbot_dashboard";

    private readonly byte[]? _viewerHash = Hash(options.ViewerToken);
    private readonly byte[]? _editorHash = Hash(options.EditorToken);
    private readonly ConcurrentDictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Minute, int Failures)> _failures = new(StringComparer.Ordinal);

    private TimeSpan Lifetime => TimeSpan.FromMinutes(options.SessionMinutes);

    /// <summary>The role a token signs in as; null for a wrong token.</summary>
    public string? RoleOf(string? token)
    {
        var hash = Hash(token) ?? new byte[32];
        // Both comparisons always run, so timing tells nothing about which (if either) matched.
        var editor = _editorHash is not null & CryptographicOperations.FixedTimeEquals(hash, _editorHash ?? new byte[32]);
        var viewer = _viewerHash is not null & CryptographicOperations.FixedTimeEquals(hash, _viewerHash ?? new byte[32]);
        return token is { Length: > 0 } ? editor ? Editor : viewer ? Viewer : null : null;
    }

    /// <summary>True while <paramref name="client"/> has failed fewer than the allowance this minute.</summary>
    public bool MayTry(string client) =>
        !_failures.TryGetValue(client, out var f) || f.Minute != Minute() || f.Failures < options.MaxFailedSignInsPerMinute;

    public void Failed(string client)
    {
        var minute = Minute();
        _failures.AddOrUpdate(client, (minute, 1), (_, f) => f.Minute == minute ? (minute, f.Failures + 1) : (minute, 1));
    }

    public DashboardSession Start(string role)
    {
        var session = new DashboardSession(RandomToken(), role, RandomToken(), time.GetUtcNow() + Lifetime);
        _sessions[session.Id] = session;
        PruneExpired();
        return session;
    }

    /// <summary>The live session for a cookie value, its expiry moved on (sliding); null when unknown or expired.</summary>
    public DashboardSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (session.ExpiresAt <= now)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        var renewed = session with { ExpiresAt = now + Lifetime };
        _sessions.TryUpdate(id, renewed, session);
        return renewed;
    }

    public void End(string id) => _sessions.TryRemove(id, out _);

    /// <summary>Fixed-time comparison of a request's anti-forgery header with its session's token.</summary>
    public static bool CsrfMatches(DashboardSession session, string? sent) =>
        sent is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(session.CsrfToken));

    private long Minute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;

    private void PruneExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (id, session) in _sessions)
        {
            if (session.ExpiresAt <= now)
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }

    private string RandomToken()
    {
        // Straight from the OS generator, not the injectable IEntropy: tests pin that one to a constant,
        // and a session id or anti-forgery token must stay unguessable in every host.
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static byte[]? Hash(string? token) => string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
