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
}
