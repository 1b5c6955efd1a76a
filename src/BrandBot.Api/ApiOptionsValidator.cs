namespace BrandBot.Api;

/// <summary>The API's start-up checks, one line per problem, naming the setting (never a key's value).</summary>
public static class ApiOptionsValidator
{
    public const int MinKeyLength = 24;

    /// <param name="otherPorts">Ports the webhook, dashboard and metrics listeners use.</param>
    /// <param name="accounts">The configured account names.</param>
    public static IEnumerable<string> Problems(ApiOptions options, IReadOnlyCollection<int> otherPorts, IReadOnlyCollection<string> accounts)
    {
        const string at = ApiOptions.Section;
        if (!options.Enabled)
        {
            yield break;
        }

        foreach (var url in options.UrlList)
        {
            var parsed = Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri);
            if (!parsed || uri!.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                yield return $"{at}:Urls entry '{url}' must be an http(s) URL with a host and port and no path, e.g. http://127.0.0.1:8082";
            }
            else if (!url.Contains($":{uri.Port}", StringComparison.Ordinal) || uri.Port == 0)
            {
                yield return $"{at}:Urls entry '{url}' needs an explicit, fixed port (the API is told apart from the webhook by its port)";
            }
            else if (otherPorts.Contains(uri.Port))
            {
                yield return $"{at}:Urls port {uri.Port} is also used by the webhook, dashboard or metrics listener; the API needs a listener of its own";
            }
        }

        if (options.Keys.Count == 0)
        {
            yield return $"{at}:Keys must list at least one key (Name, Key, Accounts) when {at}:Urls is set";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            var here = $"{at}:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                yield return $"{here}:Name is required (it names the key in logs)";
            }
            else if (!names.Add(key.Name))
            {
                yield return $"{here}:Name '{key.Name}' is used by another key";
            }

            if (key.Key.Length < MinKeyLength)
            {
                yield return $"{here}:Key must be at least {MinKeyLength} characters";
            }
            else if (!secrets.Add(key.Key))
            {
                yield return $"{here}:Key is the same as another key's";
            }

            if (key.Accounts.Count == 0)
            {
                yield return $"{here}:Accounts must list the account names this key may send for, or *";
            }

            foreach (var account in key.Accounts)
            {
                if (account != "*" && !accounts.Contains(account, StringComparer.OrdinalIgnoreCase))
                {
                    yield return $"{here}:Accounts names '{account}', which is not a configured account";
                }
            }
        }

        if (options.MaxBodyBytes is < 1024 or > 1024 * 1024)
        {
            yield return $"{at}:MaxBodyBytes must be between 1024 and 1048576 (got {options.MaxBodyBytes})";
        }

        if (options.MaxBatchBodyBytes < options.MaxBodyBytes || options.MaxBatchBodyBytes > 64 * 1024 * 1024)
        {
            yield return $"{at}:MaxBatchBodyBytes must be between MaxBodyBytes and 67108864 (got {options.MaxBatchBodyBytes})";
        }
    }
}
