using BrandBot.Broadcasts.Planning;
using BrandBot.Testing;
using BrandBot.WeChatApi;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.IntegrationTests.Broadcasts;

/// <summary>docs/broadcasts.md: the audience read from WeChat at send time, a page of 10,000 OpenIDs at a time.</summary>
public sealed class AudienceTests : RedisAndFakeWeChat
{
    [Fact]
    public async Task FollowerPages_LargerThanOtherAnswers_AreReadWhole()
    {
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var followers = BroadcastRig.Followers(Api, "p", 12_000);
        // A page of 10,000 of these OpenIDs is far over the cap other WeChat answers are read with.
        Assert.True(10_000 * (followers[0].Length + 3) > WeChatApiClient.MaxAnswerBytes);

        var (total, read) = await AudienceResolver.FollowersAsync(rig.Api, all: true, default);

        Assert.Equal(12_000, total);
        Assert.Equal(followers.Order(StringComparer.Ordinal), read);
    }
}
