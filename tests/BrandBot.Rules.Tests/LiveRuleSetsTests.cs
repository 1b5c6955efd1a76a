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

    private static CompiledRuleSet Set(long version) => new(new RuleSetDefinition(null, null, []), version);
}
