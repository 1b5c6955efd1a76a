using BrandBot.Rules.Matching;
using FsCheck.Xunit;

namespace BrandBot.Rules.Tests;

public class AhoCorasickTests
{
    [Theory]
    [InlineData("ushers", 0)]   // "she"(2) "he"(0) "hers"(3) all occur; best rank wins
    [InlineData("his", 1)]
    [InlineData("xyz", null)]
    [InlineData("hehe", 0)]
    public void BestMatch_ClassicPatternSet(string text, int? expected)
    {
        var automaton = AhoCorasick.Build([("he", 0), ("his", 1), ("she", 2), ("hers", 3)]);
        Assert.Equal(expected, automaton.BestMatch(text));
    }

    [Fact]
    public void BestMatch_PatternFoundOnlyThroughFailureLink()
    {
        // "abcd" is walked until 'x'; "bcx" is only reachable by falling back from "abc".
        var automaton = AhoCorasick.Build([("abcd", 5), ("bcx", 1)]);
        Assert.Equal(1, automaton.BestMatch("abcx"));
    }

    [Property(MaxTest = 300)]
    public bool BestMatch_AgreesWithNaiveSearch(string[] rawPatterns, string rawText)
    {
        // Small alphabet so patterns actually overlap.
        static string Squash(string? s) => new((s ?? "").Select(c => (char)('a' + (c % 3))).Take(6).ToArray());
        var patterns = (rawPatterns ?? []).Select(Squash).Where(p => p.Length > 0).Select((p, i) => (p, i)).ToList();
        var text = Squash(rawText) + Squash(rawText?.Length.ToString());
        var expected = patterns.Where(p => text.Contains(p.p, StringComparison.Ordinal)).Select(p => (int?)p.i).DefaultIfEmpty(null).Min();
        return AhoCorasick.Build(patterns).BestMatch(text) == expected;
    }
}
