using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;
using BrandBot.Rules.Store;

namespace BrandBot.Rules.Tests;

public class LiveRuleSetsTests
{
    [Fact]
    public void Swap_OlderOrSameVersion_IsIgnored()
    {
        var live = new LiveRuleSets();
        Assert.Same(CompiledRuleSet.Empty, live.Get("a"));
        Assert.True(live.Swap("a", Set(2)));
        Assert.False(live.Swap("a", Set(1)));
        Assert.False(live.Swap("a", Set(2)));
        Assert.Equal(2, live.Get("a").Version);
        Assert.True(live.Swap("a", Set(3)));
        Assert.Equal(3, live.Get("a").Version);
    }

    private static CompiledRuleSet Set(long version) => new(new RuleSetDefinition(null, null, []), version);
}
