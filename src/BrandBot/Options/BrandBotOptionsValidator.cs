using System.Text.RegularExpressions;
using BrandBot.Protocol.Crypto;

namespace BrandBot.Options;

/// <summary>
/// Checks every setting at startup and reports each problem on its own line, naming the setting
/// (never its value when it is a secret). <c>BrandBotApp.BuildAsync</c> runs it once, before the host is built.
/// </summary>
public static partial class BrandBotOptionsValidator
{
    public static IEnumerable<string> Problems(BrandBotOptions options)
    {
        const string root = BrandBotOptions.Section;
        if (options.Accounts.Count == 0)
        {
            yield return $"{root}:Accounts must list at least one account (Name, AppId, Token, RulesFile)";
        }

        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            yield return $"{root}:MaxBodyBytes must be between 1024 and 16777216 (got {options.MaxBodyBytes})";
        }

        if (options.RulesCatchUpSeconds is < 0.1 or > 3600)
        {
            yield return $"{root}:RulesCatchUpSeconds must be between 0.1 and 3600 (got {options.RulesCatchUpSeconds})";
        }

        if (options.StatsUtcOffsetHours is < -12 or > 14)
        {
            yield return $"{root}:StatsUtcOffsetHours must be between -12 and 14 (got {options.StatsUtcOffsetHours})";
        }

        foreach (var problem in DeliveryProblems(options, root))
        {
            yield return problem;
        }

        foreach (var problem in options.Broadcasts.Problems($"{root}:Broadcasts"))
        {
            yield return problem;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Accounts.Count; i++)
        {
            var account = options.Accounts[i];
            var at = $"{root}:Accounts:{i}";
            foreach (var problem in AccountProblems(account, at, seen))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<string> DeliveryProblems(BrandBotOptions options, string root)
    {
        if (!Uri.TryCreate(options.WeChatApiBaseUrl, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http"))
        {
            yield return $"{root}:WeChatApiBaseUrl must be an absolute http(s) URL (got '{options.WeChatApiBaseUrl}')";
        }

        if (options.PushBudgetMilliseconds is < 100 or > 4800)
        {
            yield return $"{root}:PushBudgetMilliseconds must be between 100 and 4800, inside WeChat's 5 s (got {options.PushBudgetMilliseconds})";
        }

        if (options.DedupSeconds is < 60 or > 86400)
        {
            yield return $"{root}:DedupSeconds must be between 60 and 86400 (got {options.DedupSeconds})";
        }

        if (options.ReplayWindowSeconds is < 0 or > 86400)
        {
            yield return $"{root}:ReplayWindowSeconds must be between 0 (off) and 86400 (got {options.ReplayWindowSeconds})";
        }

        if (options.WarmUpRounds is < 0 or > 100_000)
        {
            yield return $"{root}:WarmUpRounds must be between 0 (off) and 100000 (got {options.WarmUpRounds})";
        }

        if (!string.IsNullOrEmpty(options.PathBase) && (!options.PathBase.StartsWith('/') || options.PathBase.EndsWith('/') || options.PathBase.Contains('?')))
        {
            yield return $"{root}:PathBase must start with '/' and not end with one, like /bot (got '{options.PathBase}')";
        }

        if (!string.IsNullOrEmpty(options.OtlpEndpoint) && (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var otlp) || otlp.Scheme is not ("https" or "http")))
        {
            yield return $"{root}:OtlpEndpoint must be an absolute http(s) URL like http://otel-collector:4318 (got '{options.OtlpEndpoint}')";
        }

        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!TrustedNetwork.TryParse(options.TrustedProxies[i], out _))
            {
                yield return $"{root}:TrustedProxies:{i} must be an IP address or CIDR range like 10.0.0.0/8 (got '{options.TrustedProxies[i]}')";
            }
        }

        var limits = options.RateLimit;
        if (limits.PerFollower < 0 || limits.PerAccount < 0)
        {
            yield return $"{root}:RateLimit:PerFollower and PerAccount must be 0 (off) or more";
        }

        if (limits.PerFollowerWindowSeconds is < 1 or > 86400 || limits.PerAccountWindowSeconds is < 1 or > 86400)
        {
            yield return $"{root}:RateLimit:PerFollowerWindowSeconds and PerAccountWindowSeconds must be between 1 and 86400";
        }

        if (limits.SyncMilliseconds is < 10 or > 10000)
        {
            yield return $"{root}:RateLimit:SyncMilliseconds must be between 10 and 10000 (got {limits.SyncMilliseconds})";
        }

        if (options.WriteBehindLingerMilliseconds is < 0 or > 60000)
        {
            yield return $"{root}:WriteBehindLingerMilliseconds must be between 0 and 60000 (got {options.WriteBehindLingerMilliseconds})";
        }

        var backends = options.Backends;
        if (backends.Retries is < 0 or > 5)
        {
            yield return $"{root}:Backends:Retries must be between 0 and 5 (got {backends.Retries})";
        }

        if (backends.FailureRatio is <= 0 or > 1)
        {
            yield return $"{root}:Backends:FailureRatio must be above 0 and at most 1 (got {backends.FailureRatio})";
        }

        if (backends.MinimumCalls < 2)
        {
            yield return $"{root}:Backends:MinimumCalls must be at least 2 (got {backends.MinimumCalls})";
        }

        if (backends.SamplingSeconds is < 0.5 or > 86400 || backends.BreakSeconds is < 0.5 or > 86400)
        {
            yield return $"{root}:Backends:SamplingSeconds and BreakSeconds must be between 0.5 and 86400";
        }
    }

    private static IEnumerable<string> AccountProblems(AccountOptions account, string at, HashSet<string> seen)
    {
        if (string.IsNullOrWhiteSpace(account.Name))
        {
            yield return $"{at}:Name is required (it is the URL segment in /wechat/{{Name}})";
        }
        else if (!UrlSegment().IsMatch(account.Name))
        {
            yield return $"{at}:Name '{account.Name}' may use only letters, digits, '-' and '_'";
        }
        else if (!seen.Add(account.Name))
        {
            yield return $"{at}:Name '{account.Name}' is used by another account";
        }

        if (account.Kind is not ("service" or "subscription"))
        {
            yield return $"{at}:Kind must be service or subscription (got '{account.Kind}')";
        }

        if (string.IsNullOrWhiteSpace(account.Token))
        {
            yield return $"{at}:Token is required";
        }

        var encrypted = !string.IsNullOrEmpty(account.EncodingAESKey);
        if (encrypted && !AesKey.TryDecode(account.EncodingAESKey, out _, out var reason))
        {
            yield return $"{at}:EncodingAESKey {reason}";
        }

        if (!string.IsNullOrEmpty(account.PreviousEncodingAESKey))
        {
            if (!encrypted)
            {
                yield return $"{at}:PreviousEncodingAESKey is set but EncodingAESKey is not";
            }
            else if (!AesKey.TryDecode(account.PreviousEncodingAESKey, out _, out var previousReason))
            {
                yield return $"{at}:PreviousEncodingAESKey {previousReason}";
            }
        }

        if (encrypted && string.IsNullOrWhiteSpace(account.AppId))
        {
            yield return $"{at}:AppId is required with an EncodingAESKey (the wx… id, checked inside every encrypted push)";
        }
        else if (account.AppId.StartsWith("gh_", StringComparison.Ordinal))
        {
            yield return $"{at}:AppId must be the wx… AppId, not the gh_… original id";
        }

        if (!string.IsNullOrEmpty(account.RulesFile) && !File.Exists(Path.GetFullPath(account.RulesFile)))
        {
            yield return $"{at}:RulesFile '{account.RulesFile}' does not exist (resolved to {Path.GetFullPath(account.RulesFile)})";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex UrlSegment();
}
