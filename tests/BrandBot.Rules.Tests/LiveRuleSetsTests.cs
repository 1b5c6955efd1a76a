using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;
using BrandBot.Rules.Store;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task InMemoryStore_PublishNumbersVersionsAndRaisesChanged()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z"));
        var store = new InMemoryRuleStore(time);
        var changed = new List<string>();
        store.Changed += changed.Add;

        var first = await store.PublishAsync("a", "rules: []", "alice", "first");
        var second = await store.PublishAsync("a", "rules: []\n", null, null);

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal(time.GetUtcNow(), first.PublishedAt);
        Assert.Equal("alice", first.PublishedBy);
        Assert.NotEqual(first.ContentHash, second.ContentHash);
        Assert.Same(second, await store.GetCurrentAsync("a"));
        Assert.Null(await store.GetCurrentAsync("b"));
        Assert.Equal(["a", "a"], changed);
    }

    private static CompiledRuleSet Set(long version) => new(new RuleSetDefinition(null, null, []), version);
}
