using BrandBot.Account;
using BrandBot.Account.Tagging;
using BrandBot.Protocol.Simulation;
using BrandBot.WeChatApi;
using BrandBot.WeChatApi.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Webhook;

/// <summary>
/// Tagging (docs/account-as-code.md): a follow or scan through a tagged scene, or a message firing a tagged rule, tags
/// the follower once — batched, off the request path, kept in Redis across a restart — against the
/// fake WeChat API on loopback.
/// </summary>
public sealed class TaggingTests : RedisAndFakeWeChat
{
    private const string Rules = """
        follow:
          replies: [ text: "welcome" ]
          scenes:
            poster-2026:
              tag: spring-2026
              replies: [ text: "poster thanks" ]
        rules:
          - { name: vip, keywords: [ contain: "vip" ], tag: vip-interest, replies: [ text: "vip" ] }
          - { name: hours, keywords: [ equal: "hours" ], replies: [ text: "9-21" ] }
        """;

    [Fact]
    public async Task FollowScanAndRule_TagTheFollower_InOneCallPerTag_AndLeaveNoOpenIdInRedis()
    {
        await using var server = await StartAsync(Api.BaseUrl);
        var (one, two) = (OpenId(1), OpenId(2));

        await Push(server, Follow(one, "qrscene_poster-2026"));
        await Push(server, Event(two, "SCAN", "poster-2026"));
        await Push(server, SampleMessages.Text(TestAccounts.Gh, one, 1714112445, "I want vip", Wire.Unique()));
        await Push(server, SampleMessages.Text(TestAccounts.Gh, two, 1714112445, "hours", Wire.Unique()));

        await TestHelpers.EventuallyAsync(() => Api.Account.Taggings.Sum(t => t.OpenIds.Length) == 3, TimeSpan.FromSeconds(10));
        var spring = Api.Account.TagId("spring-2026")!.Value;
        var vip = Api.Account.TagId("vip-interest")!.Value;
        Assert.Equal(new HashSet<int> { spring, vip }, Api.Account.TagsOf(one));
        Assert.Equal(new HashSet<int> { spring }, Api.Account.TagsOf(two));
        Assert.All(Api.Account.Taggings, t => Assert.Equal(t.OpenIds.Length, t.OpenIds.Distinct().Count()));

        await TestHelpers.EventuallyAsync(async () => await QueueLength() == 0, TimeSpan.FromSeconds(5));
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Equal(3, TestHelpers.MetricSum(metrics, "brandbot_taggings_total", "tagged"));
        await AssertNoOpenIdInRedis(one, two);
    }

    [Fact]
    public async Task SixtyFollowers_AreTaggedInBatchesOfAtMostFifty()
    {
        await using var server = await StartAsync(Api.BaseUrl);
        var followers = Enumerable.Range(100, 60).Select(OpenId).ToList();

        await Task.WhenAll(followers.Select(f => Push(server, Follow(f, "qrscene_poster-2026"))));

        await TestHelpers.EventuallyAsync(() => Api.Account.Taggings.Sum(t => t.OpenIds.Length) >= 60, TimeSpan.FromSeconds(10));
        var calls = Api.Account.Taggings.ToList();
        Assert.Equal(followers.Order(), calls.SelectMany(c => c.OpenIds).Order());
        Assert.All(calls, c => Assert.InRange(c.OpenIds.Length, 1, 50));
        Assert.True(calls.Count <= 6, $"{calls.Count} calls for 60 followers: not batched");
    }

    [Fact]
    public async Task RetriedPush_AndALaterFollow_DoNotTagAgain()
    {
        await using var server = await StartAsync(Api.BaseUrl);
        var follower = OpenId(7);
        var follow = Follow(follower, "qrscene_poster-2026");

        await Push(server, follow);
        await Push(server, follow);
        await Push(server, follow);
        await TestHelpers.EventuallyAsync(() => !Api.Account.Taggings.IsEmpty, TimeSpan.FromSeconds(10));
        await Push(server, Event(follower, "SCAN", "poster-2026"));
        await Task.Delay(2500);

        Assert.Equal([follower], Api.Account.Taggings.SelectMany(t => t.OpenIds));
    }

    [Fact]
    public async Task QueuedTags_SurviveARestart_AndAreSentByTheNextInstance()
    {
        var follower = OpenId(9);
        // The first instance cannot reach WeChat: its attempt fails and the request stays in Redis.
        await using (var first = await StartAsync("http://127.0.0.1:9"))
        {
            await Push(first, Follow(follower, "qrscene_poster-2026"));
            await TestHelpers.EventuallyAsync(async () => await QueueLength() == 1, TimeSpan.FromSeconds(10));
            await TestHelpers.EventuallyAsync(async () => TestHelpers.MetricSum(await first.Client.GetStringAsync("/metrics"), "brandbot_taggings_total", "retried") >= 1, TimeSpan.FromSeconds(10));
        }

        Assert.Empty(Api.Account.Taggings);
        await using var second = await StartAsync(Api.BaseUrl);
        await TestHelpers.EventuallyAsync(() => Api.Account.TagsOf(follower).Count == 1, TimeSpan.FromSeconds(15));
        Assert.Equal(0, await QueueLength());
    }

    [Fact]
    public async Task Tagger_SplitsARefusedBatch_DropsTheStranger_AndTagsTheRest()
    {
        var (tagger, queue, api, time, seen) = await TaggerAsync();
        var followers = Enumerable.Range(200, 5).Select(OpenId).ToList();
        Api.Account.Strangers[followers[3]] = true;
        foreach (var follower in followers)
        {
            queue.Enqueue("acme", new TagRequest("spring-2026", follower));
        }

        await tagger.RunOnceAsync(api, default);

        Assert.Equal(followers.Where((_, i) => i != 3).Order(), Api.Account.Taggings.SelectMany(t => t.OpenIds).Order());
        Assert.Equal(0, await queue.CountAsync("acme"));
        Assert.Equal((4, 1), (seen.Count("tagged"), seen.Count("invalid_openid")));
        // The tag did not exist: the tagger created it by name.
        Assert.NotNull(Api.Account.TagId("spring-2026"));
    }

    [Fact]
    public async Task Tagger_RetriesTransientAnswers_WithBackOff_AndDropsFollowersWithTwentyTags()
    {
        var (tagger, queue, api, time, seen) = await TaggerAsync();
        Api.Account.NextTaggingErrors.Enqueue(-1);
        queue.Enqueue("acme", new TagRequest("spring-2026", OpenId(1)));

        await tagger.RunOnceAsync(api, default);
        Assert.Equal(1, seen.Count("retried"));
        Assert.Empty(Api.Account.Taggings);

        // Not due before its back-off (2 s after the first failure).
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await tagger.RunOnceAsync(api, default));
        time.Advance(TimeSpan.FromSeconds(2));
        await tagger.RunOnceAsync(api, default);
        Assert.Single(Api.Account.Taggings);

        // 45059: a follower who has 20 tags already is refused, alone, and not retried.
        var full = OpenId(2);
        for (var i = 0; i < 20; i++)
        {
            queue.Enqueue("acme", new TagRequest($"t{i}", full));
        }

        while (await tagger.RunOnceAsync(api, default) > 0)
        {
        }

        queue.Enqueue("acme", new TagRequest("one-too-many", full));
        await tagger.RunOnceAsync(api, default);
        Assert.Equal(20, Api.Account.TagsOf(full).Count);
        Assert.Equal(1, seen.Count("too_many_tags"));
        Assert.Equal(0, await queue.CountAsync("acme"));
    }

    private Task<(Tagger Tagger, InMemoryTagQueue Queue, AccountApi Api, FakeTimeProvider Time, Observed Seen)> TaggerAsync()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z"));
        var http = new ServiceCollection().AddHttpClient(WeChatApiClient.HttpClientName, c => c.BaseAddress = new Uri(Api.BaseUrl + "/")).Services.BuildServiceProvider();
        var client = new WeChatApiClient(http.GetRequiredService<IHttpClientFactory>());
        var tokens = new AccessTokens(new InMemoryTokenStore(time), client, time, new NoWeChatApiEvents());
        var queue = new InMemoryTagQueue();
        var seen = new Observed();
        return Task.FromResult((new Tagger(queue, seen, time), queue, new AccountApi(tokens, client, new ApiCredentials("acme", TestAccounts.AppId, "secret")), time, seen));
    }

    private Task<TestServer> StartAsync(string apiBase)
    {
        var settings = SettingsFor(TestAccounts.WriteRules(Rules), apiBase: apiBase);
        return TestServer.StartAsync(settings, realClock: true);
    }

    private static async Task Push(TestServer server, string xml) =>
        Assert.Equal(200, (await Wire.PushAsync(server.Client, xml, timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds())).Status);

    private static string OpenId(int n) => $"oTagTest{n:D20}";

    private static string Follow(string openId, string key) => Event(openId, "subscribe", key);

    private static string Event(string openId, string name, string key) =>
        SampleMessages.Event(TestAccounts.Gh, openId, 1714112445 + (Wire.Unique() % 1_000_000), name, key);

    private async Task<long> QueueLength()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        return await connection.GetDatabase().SortedSetLengthAsync("brandbot:{acme}:tags:queue");
    }

    private async Task AssertNoOpenIdInRedis(params string[] openIds)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var db = connection.GetDatabase();
        await foreach (var key in connection.GetServer(connection.GetEndPoints()[0]).KeysAsync(pattern: "*"))
        {
            var dump = await db.KeyTypeAsync(key) switch
            {
                RedisType.Hash => string.Join(",", (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}")),
                RedisType.Set => string.Join(",", (await db.SetMembersAsync(key)).Select(v => (string)v!)),
                RedisType.SortedSet => string.Join(",", (await db.SortedSetRangeByRankAsync(key)).Select(v => (string)v!)),
                RedisType.List => string.Join(",", (await db.ListRangeAsync(key)).Select(v => (string)v!)),
                RedisType.String => (string?)await db.StringGetAsync(key) ?? "",
                _ => "",
            };
            foreach (var openId in openIds)
            {
                Assert.DoesNotContain(openId, (string)key! + dump);
            }
        }
    }

    private sealed class Observed : ITaggingObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();

        public int Count(string outcome) => _counts.GetValueOrDefault(outcome);

        public void Tagging(string account, string outcome, int followers) => _counts.AddOrUpdate(outcome, followers, (_, n) => n + followers);
    }
}
