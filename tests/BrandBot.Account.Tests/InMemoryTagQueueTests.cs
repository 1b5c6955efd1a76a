using BrandBot.Account.Tagging;

namespace BrandBot.Account.Tests;

/// <summary>The embedded tag queue: claims are leases, a follower given a tag is never queued for it again.</summary>
public sealed class InMemoryTagQueueTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-20T10:00:00Z");

    [Fact]
    public async Task Claimed_IsNotClaimedAgain_UntilItsLeaseEnds()
    {
        var queue = new InMemoryTagQueue();
        queue.Enqueue("acme", new TagRequest("vip", "oA"));
        queue.Enqueue("acme", new TagRequest("vip", "oB"));

        var first = await queue.ClaimAsync("acme", 10, Now, TimeSpan.FromMinutes(2));
        Assert.Equal(2, first.Count);
        Assert.Empty(await queue.ClaimAsync("acme", 10, Now.AddMinutes(1), TimeSpan.FromMinutes(2)));
        Assert.Equal(2, (await queue.ClaimAsync("acme", 10, Now.AddMinutes(3), TimeSpan.FromMinutes(2))).Count);
    }

    [Fact]
    public async Task Completed_IsGone_AndNotQueuedAgain()
    {
        var queue = new InMemoryTagQueue();
        var request = new TagRequest("vip", "oA");
        queue.Enqueue("acme", request);
        await queue.CompleteAsync("acme", await queue.ClaimAsync("acme", 10, Now, TimeSpan.FromMinutes(2)));

        queue.Enqueue("acme", request);

        Assert.Equal(0, await queue.CountAsync("acme"));
    }

    [Fact]
    public void DoneKey_HidesTheOpenId_AndIsStable()
    {
        var key = new TagRequest("vip", "o9AgO5Kd5ggOC-bXrbNODIiE3bGY").DoneKey;

        Assert.Equal(40, key.Length);
        Assert.DoesNotContain("o9AgO5", key, StringComparison.Ordinal);
        Assert.Equal(key, new TagRequest("vip", "o9AgO5Kd5ggOC-bXrbNODIiE3bGY").DoneKey);
        Assert.NotEqual(key, new TagRequest("other", "o9AgO5Kd5ggOC-bXrbNODIiE3bGY").DoneKey);
    }
}
