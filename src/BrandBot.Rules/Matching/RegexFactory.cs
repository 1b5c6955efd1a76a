using System.Text.RegularExpressions;

namespace BrandBot.Rules.Matching;

/// <summary>Builds rule regexes once, at publish time, with a match timeout.</summary>
public static class RegexFactory
{
    /// <summary>A runaway pattern must never eat WeChat's 5-second budget.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    private const RegexOptions Common = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>
    /// Prefers the non-backtracking engine (linear time, immune to catastrophic backtracking); falls
    /// back to the compiled backtracking engine only for constructs it lacks (lookarounds, backreferences).
    /// </summary>
    /// <exception cref="ArgumentException">The pattern is not a valid .NET regex.</exception>
    public static Regex Create(string pattern)
    {
        try
        {
            return new Regex(pattern, Common | RegexOptions.NonBacktracking, MatchTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, Common | RegexOptions.Compiled, MatchTimeout);
        }
    }

    public static string? Problem(string pattern)
    {
        try
        {
            Create(pattern);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// One non-backtracking pattern that matches wherever any of <paramref name="regexes"/> does: a
    /// prefilter, so a message that matches none costs one linear pass, not one per regex. Null when a
    /// pattern needs the backtracking engine (then each is tried on its own) or there is nothing to combine.
    /// </summary>
    public static Regex? CombineOrNull(IEnumerable<Regex> regexes)
    {
        var list = regexes.ToList();
        if (list.Count < 2 || list.Any(r => (r.Options & RegexOptions.NonBacktracking) == 0))
        {
            return null;
        }

        try
        {
            return new Regex(string.Join('|', list.Select(r => $"(?:{r})")), Common | RegexOptions.NonBacktracking, MatchTimeout);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
