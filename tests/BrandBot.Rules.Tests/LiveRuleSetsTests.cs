using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;
using BrandBot.Rules.Store;

namespace BrandBot.Rules.Tests;

public class LiveRuleSetsTests
{
    [Fact]
    public void Install_ReplacesWhateverIsLive_EvenAnOlderNumber()
    {
        var live = new LiveRuleSets();
        Assert.Same(CompiledRuleSet.Empty, live.Get("a"));
        live.Install("a", Set(2));
        Assert.Equal(2, live.Get("a").Version);
        // A Redis that lost its data numbers again from 1; its version is still the one to answer with.
        var restarted = Set(1);
        live.Install("a", restarted);
        Assert.Same(restarted, live.Get("a"));
        Assert.Same(CompiledRuleSet.Empty, live.Get("b"));
    }

    [Fact]
    public void AReplacement_SettlesAtItsTime_AndKeepsTheVersionBeforeToAnswerRetries()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
        var live = new LiveRuleSets();
        var first = Set(1);
        // A process's first version settles at once: there is no earlier one here to answer from.
        live.Install("a", first, at + TimeSpan.FromSeconds(20));
        live.Get("a", at, out var settled);
        Assert.True(settled);

        var second = Set(2);
        live.Install("a", second, at + TimeSpan.FromSeconds(20));
        Assert.Same(second, live.Get("a", at + TimeSpan.FromSeconds(19), out settled));
        Assert.False(settled);
        live.Get("a", at + TimeSpan.FromSeconds(20), out settled);
        Assert.True(settled);
        Assert.Same(first, live.Find("a", 1));
        Assert.Same(second, live.Find("a", 2));

        // Replaced once settled: the version before the previous one can no longer be asked for.
        live.Install("a", Set(3), at + TimeSpan.FromSeconds(40), at + TimeSpan.FromSeconds(20));
        Assert.Null(live.Find("a", 1));
        Assert.Same(second, live.Find("a", 2));
        live.Get("b", at, out settled);
        Assert.True(settled);
    }

    [Fact]
    public void OnlyPushesCreatedBeforeTheReplacementArrivedHere_PlusTheSlack_MayPredateIt()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
        var slack = TimeSpan.FromSeconds(2);
        var live = new LiveRuleSets();
        live.Install("a", Set(1));
        // A first version replaced nothing: no push can have been answered by an earlier one here.
        Assert.False(live.MayPredateCurrent("a", 1_000, slack));

        live.Install("a", Set(2), at + TimeSpan.FromSeconds(20), at);
        Assert.True(live.MayPredateCurrent("a", 1_000, slack));
        Assert.True(live.MayPredateCurrent("a", at.ToUnixTimeSeconds() + 2, slack));
        Assert.False(live.MayPredateCurrent("a", at.ToUnixTimeSeconds() + 3, slack));
        Assert.False(live.MayPredateCurrent("b", 1_000, slack));
    }

    [Fact]
    public void PublishesCloserThanTheRetries_KeepOlderVersionsUntilTheLatestSettles_AtMostFourOfThem()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
        var live = new LiveRuleSets();
        var sets = Enumerable.Range(1, 8).Select(v => Set(v)).ToList();
        live.Install("a", sets[0]);
        // One publish a second: each replaces a version that has not settled.
        for (var i = 1; i < sets.Count; i++)
        {
            live.Install("a", sets[i], at + TimeSpan.FromSeconds(i + 20), at + TimeSpan.FromSeconds(i));
        }

        // Current 8, previous 7, and the four before it; 1 and 2 are beyond the cap.
        Assert.All(Enumerable.Range(3, 6), v => Assert.Same(sets[v - 1], live.Find("a", v)));
        Assert.Null(live.Find("a", 2));
        Assert.Null(live.Find("a", 1));
        Assert.Equal(LiveRuleSets.MaxOlderKept, Enumerable.Range(1, 6).Count(v => live.Find("a", v) is not null));

        // Before the latest settles nothing is dropped; once it has, only the previous version is kept.
        live.Get("a", at + TimeSpan.FromSeconds(26), out var settled);
        Assert.False(settled);
        Assert.Same(sets[2], live.Find("a", 3));
        Assert.Same(sets[7], live.Get("a", at + TimeSpan.FromSeconds(27), out settled));
        Assert.True(settled);
        Assert.All(Enumerable.Range(1, 6), v => Assert.Null(live.Find("a", v)));
        Assert.Same(sets[6], live.Find("a", 7));
    }

    private static CompiledRuleSet Set(long version) => new(new RuleSetDefinition(null, null, []), version);
}
