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

        live.Install("a", Set(3), at);
        Assert.Null(live.Find("a", 1));
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

    private static CompiledRuleSet Set(long version) => new(new RuleSetDefinition(null, null, []), version);
}
