namespace BrandBot.Dashboard;

/// <summary>The dashboard's startup checks, one line per problem, naming the setting (never a token's value).</summary>
public static class DashboardOptionsValidator
{
    /// <summary>Shorter tokens can be guessed by the login form's allowance within days.</summary>
    public const int MinTokenLength = 16;

    /// <summary>Part of the example settings' tokens, so they cannot end up guarding a reachable dashboard.</summary>
    public const string DemoMarker = "change-me";

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost");

    /// <summary>Names the shared role tokens sign in as: an operator called that would be told apart from them by nobody.</summary>
    private static readonly string[] ReservedNames = [DashboardSessions.Viewer, DashboardSessions.Editor];

    /// <summary>Each operator needs a name of its own, a hash-token line and a role; one line per problem.</summary>
    public static IEnumerable<string> OperatorProblems(IReadOnlyList<DashboardOperator> operators)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < operators.Count; i++)
        {
            var at = $"{DashboardOptions.Section}:Operators:{i}";
            var person = operators[i];
            var name = person.Name?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                yield return $"{at}:Name is required (the name the audit and the rules history show)";
            }
            else if (name.Length > MaxNameLength || name.Any(char.IsControl) || name.Contains(':', StringComparison.Ordinal))
            {
                yield return $"{at}:Name must be at most {MaxNameLength} characters, without ':' or control characters";
            }
            else if (ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                yield return $"{at}:Name '{name}' is what the shared {name.ToLowerInvariant()} token signs in as; give the person's own name";
            }
            else if (seen.TryGetValue(name, out var first))
            {
                yield return $"{at}:Name '{name}' is also Operators:{first}:Name (each person needs a name of their own)";
            }
            else
            {
                seen[name] = i;
            }

            if (string.IsNullOrWhiteSpace(person.TokenHash))
            {
                yield return $"{at}:TokenHash is required (make it with: brandbot dashboard hash-token)";
            }
            else if (!OperatorTokenHash.TryParse(person.TokenHash, out _, out var problem))
            {
                yield return $"{at}:TokenHash {problem}";
            }

            if (person.Role?.Trim().ToLowerInvariant() is not (DashboardSessions.Viewer or DashboardSessions.Editor))
            {
                yield return string.IsNullOrWhiteSpace(person.Role)
                    ? $"{at}:Role is required: viewer or editor"
                    : $"{at}:Role must be viewer or editor (got '{person.Role.Trim()}')";
            }
        }
    }

    /// <summary>Long enough for a full name, short enough for the audit's and the history's columns.</summary>
    public const int MaxNameLength = 64;

    public static IEnumerable<string> Problems(DashboardOptions options, IReadOnlyCollection<int> webhookPorts)
    {
        const string at = DashboardOptions.Section;
        if (!options.Enabled)
        {
            yield break;
        }

        foreach (var url in options.UrlList)
        {
            if (!DashboardListener.TryParse(url, out var uri)
                || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                yield return $"{at}:Urls entry '{url}' must be an http(s) URL with a host and port and no path, e.g. http://127.0.0.1:8081";
            }
            else if (uri.IsDefaultPort && !url.Contains($":{uri.Port}", StringComparison.Ordinal) || uri.Port == 0)
            {
                yield return $"{at}:Urls entry '{url}' needs an explicit, fixed port (the dashboard is told apart from the webhook by its port)";
            }
            else if (webhookPorts.Contains(uri.Port))
            {
                yield return $"{at}:Urls port {uri.Port} is also the webhook's port; the dashboard needs a listener of its own";
            }
        }

        if (string.IsNullOrEmpty(options.ViewerToken) && string.IsNullOrEmpty(options.EditorToken) && options.Operators.Count == 0)
        {
            yield return $"{at}:ViewerToken, {at}:EditorToken or {at}:Operators must be set when {at}:Urls is (the dashboard never opens without sign-in)";
        }

        foreach (var problem in OperatorProblems(options.Operators))
        {
            yield return problem;
        }

        foreach (var (name, token) in new[] { ("ViewerToken", options.ViewerToken), ("EditorToken", options.EditorToken) })
        {
            if (!string.IsNullOrEmpty(token) && token.Length < MinTokenLength)
            {
                yield return $"{at}:{name} must be at least {MinTokenLength} characters";
            }
        }

        // The example settings ship demo tokens: fine on this machine, refused where others can connect.
        if (new[] { options.ViewerToken, options.EditorToken }.Any(t => t?.Contains(DemoMarker, StringComparison.OrdinalIgnoreCase) == true)
            && !options.UrlList.All(IsLoopback))
        {
            yield return $"{at}:ViewerToken/EditorToken are the example's demo tokens (they contain '{DemoMarker}'); set your own before listening beyond 127.0.0.1";
        }

        if (!string.IsNullOrEmpty(options.ViewerToken) && options.ViewerToken == options.EditorToken)
        {
            yield return $"{at}:ViewerToken and {at}:EditorToken must differ (the token decides the role)";
        }

        if (options.SessionMinutes is < 1 or > 24 * 60)
        {
            yield return $"{at}:SessionMinutes must be between 1 and 1440 (got {options.SessionMinutes})";
        }

        // ASVS 3.3.2 (level 2): re-authentication at least every 30 days, however active the session.
        if (options.SessionMaxHours is < 1 or > 30 * 24)
        {
            yield return $"{at}:SessionMaxHours must be between 1 and 720 (got {options.SessionMaxHours})";
        }
        else if (options.SessionMaxHours * 60 < options.SessionMinutes)
        {
            yield return $"{at}:SessionMaxHours ({options.SessionMaxHours} h) must not be shorter than SessionMinutes ({options.SessionMinutes} min)";
        }

        if (options.MaxFailedSignInsPerMinute is < 1 or > 1000)
        {
            yield return $"{at}:MaxFailedSignInsPerMinute must be between 1 and 1000 (got {options.MaxFailedSignInsPerMinute})";
        }

        if (options.MaxFailedSignInsPerMinuteInTotal is < 1 or > 100_000)
        {
            yield return $"{at}:MaxFailedSignInsPerMinuteInTotal must be between 1 and 100000 (got {options.MaxFailedSignInsPerMinuteInTotal})";
        }
        else if (options.MaxFailedSignInsPerMinuteInTotal < options.MaxFailedSignInsPerMinute)
        {
            yield return $"{at}:MaxFailedSignInsPerMinuteInTotal ({options.MaxFailedSignInsPerMinuteInTotal}) must not be below MaxFailedSignInsPerMinute ({options.MaxFailedSignInsPerMinute})";
        }

        foreach (var host in options.AllowedHostList)
        {
            if (Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
            {
                yield return $"{at}:AllowedHosts entry '{host}' must be a host name or address, without scheme, port or path (e.g. admin.example.com)";
            }
        }
    }
}
