using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Dashboard;

/// <summary>Who a token signs in as: a named operator, or a shared role token (then <paramref name="Who"/> is the role).</summary>
public sealed record DashboardIdentity(string Role, string Who, bool Named);

/// <summary>A signed-in browser: its role, who signed in, and the anti-forgery token its writes must carry.</summary>
/// <param name="Who">The operator's name, or the role for a shared role token: what the audit and the rules history record.</param>
/// <param name="ExpiresAt">When it ends unless a request comes first (sliding, never past <paramref name="EndsAt"/>).</param>
/// <param name="EndsAt">When it ends whatever comes (the absolute lifetime from sign-in).</param>
public sealed record DashboardSession(string Id, string Role, string Who, bool Named, string CsrfToken, DateTimeOffset ExpiresAt, DateTimeOffset EndsAt);

/// <summary>
/// Sign-in by token, sessions kept in this process (a browser signs in to each instance it reaches; the
/// README says to keep a dashboard on one instance or sticky). The cookie carries only a random session
/// id; the shared role tokens are compared as SHA-256 hashes in fixed time, named operators' tokens
/// against their salted hashes (<see cref="OperatorTokenHash"/>); no token is stored or logged.
/// </summary>
public sealed class DashboardSessions(DashboardOptions options, TimeProvider time)
{
    public const string Viewer = "viewer";
    public const string Editor = "editor";
    public const string CookieName = "brandbot_dashboard";

    private readonly byte[]? _viewerHash = Hash(options.ViewerToken);
    private readonly byte[]? _editorHash = Hash(options.EditorToken);
    private readonly (DashboardIdentity Identity, OperatorTokenHash Hash)[] _operators = [.. options.Operators.Select(person =>
    {
        // The options validator has refused every line that does not parse before this runs.
        OperatorTokenHash.TryParse(person.TokenHash, out var hash, out _);
        return (new DashboardIdentity(person.Role!.Trim().ToLowerInvariant(), person.Name!.Trim(), Named: true), hash);
    })];

    private readonly ConcurrentDictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);
    /// <summary>
    /// At most this many clients' failures are remembered. Only clients that failed this minute are
    /// worth keeping, and the overall ceiling lets no more than that many fail in a minute; the cap
    /// holds even when that ceiling is set high.
    /// </summary>
    public const int MaxTrackedClients = 10_000;

    private readonly Lock _failureGate = new();
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private long _failureMinute = -1;
    private int _failuresInTotal;

    private TimeSpan Lifetime => TimeSpan.FromMinutes(options.SessionMinutes);

    private TimeSpan MaxLifetime => TimeSpan.FromHours(options.SessionMaxHours);

    /// <summary>How many clients' failures are remembered right now (never above <see cref="MaxTrackedClients"/>).</summary>
    public int TrackedClients
    {
        get
        {
            lock (_failureGate)
            {
                return _failures.Count;
            }
        }
    }

    /// <summary>The role a token signs in as; null for a wrong token.</summary>
    public string? RoleOf(string? token) => Identify(token)?.Role;

    /// <summary>
    /// Who a token signs in as: a shared role token, else the operator whose hash it matches; null for a
    /// wrong token. A wrong token is derived against every operator's hash, so how long it takes says
    /// nothing about the operators; a right one stops at its own (its holder learns nothing new).
    /// </summary>
    public DashboardIdentity? Identify(string? token)
    {
        if (token is not { Length: > 0 })
        {
            return null;
        }

        var hash = Hash(token)!;
        // Both comparisons always run, so timing tells nothing about which (if either) matched.
        var editor = _editorHash is not null & CryptographicOperations.FixedTimeEquals(hash, _editorHash ?? new byte[32]);
        var viewer = _viewerHash is not null & CryptographicOperations.FixedTimeEquals(hash, _viewerHash ?? new byte[32]);
        if (editor || viewer)
        {
            var role = editor ? Editor : Viewer;
            return new DashboardIdentity(role, role, Named: false);
        }

        foreach (var (identity, operatorHash) in _operators)
        {
            if (operatorHash.Matches(token))
            {
                return identity;
            }
        }

        return null;
    }

    /// <summary>
    /// True while <paramref name="client"/> (a <see cref="ClientKey"/>) has failed fewer than its allowance
    /// this minute and all clients together fewer than the overall ceiling.
    /// </summary>
    public bool MayTry(string client)
    {
        lock (_failureGate)
        {
            RollOver();
            return _failuresInTotal < options.MaxFailedSignInsPerMinuteInTotal
                && _failures.GetValueOrDefault(client) < options.MaxFailedSignInsPerMinute;
        }
    }

    public void Failed(string client)
    {
        lock (_failureGate)
        {
            RollOver();
            _failuresInTotal++;
            if (_failures.TryGetValue(client, out var failures))
            {
                _failures[client] = failures + 1;
            }
            else if (_failures.Count < MaxTrackedClients)
            {
                _failures[client] = 1;
            }

            // A client beyond the cap is still counted in the total, which then refuses everyone.
        }
    }

    /// <summary>A new minute forgets every client's failures: the table only ever holds this minute's.</summary>
    private void RollOver()
    {
        var minute = Minute();
        if (minute != _failureMinute)
        {
            _failureMinute = minute;
            _failures.Clear();
            _failuresInTotal = 0;
        }
    }

    public DashboardSession Start(DashboardIdentity identity)
    {
        var now = time.GetUtcNow();
        var session = new DashboardSession(RandomToken(), identity.Role, identity.Who, identity.Named, RandomToken(), now + Lifetime, now + MaxLifetime);
        _sessions[session.Id] = session;
        PruneExpired();
        return session;
    }

    /// <summary>
    /// The live session for a cookie value, its expiry moved on (sliding, up to its absolute end); null
    /// when unknown or expired.
    /// </summary>
    public DashboardSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (session.ExpiresAt <= now || session.EndsAt <= now)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        var renewed = session with { ExpiresAt = Min(now + Lifetime, session.EndsAt) };
        _sessions.TryUpdate(id, renewed, session);
        return renewed;
    }

    public void End(string id) => _sessions.TryRemove(id, out _);

    /// <summary>Fixed-time comparison of a request's anti-forgery header with its session's token.</summary>
    public static bool CsrfMatches(DashboardSession session, string? sent) =>
        sent is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(session.CsrfToken));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private long Minute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;

    private void PruneExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (id, session) in _sessions)
        {
            if (session.ExpiresAt <= now || session.EndsAt <= now)
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
