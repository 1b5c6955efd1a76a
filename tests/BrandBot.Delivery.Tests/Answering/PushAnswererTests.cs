using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Limits;
using BrandBot.Rules.Stats;

namespace BrandBot.Delivery.Tests.Answering;

/// <summary>The answering policy on the embedded stores: fixed replies, retries, limits and counting, without a host.</summary>
public sealed class PushAnswererTests
{
    private const string Rules = """
        default:
          replies: [ text: "default reply" ]
        rules:
          - { name: hours, keywords: [ equal: "hours" ], replies: [ text: "We open 9:00-21:00" ] }
          - { name: pick, keywords: [ equal: "pick" ], mode: random_one, replies: [ text: "one", text: "two", text: "three" ] }
        """;

    [Fact]
    public async Task Keyword_AnsweredWithItsReply_AndCountedOnce()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);
        var outcome = await AnswerAsync(delivery, InMemoryDelivery.Text("hours", 1));

        Assert.Equal("We open 9:00-21:00", InMemoryDelivery.TextOf(outcome));
        Assert.Contains("hit hours", delivery.Observer.Events);
        var stats = delivery.Get<IHitStats>();
        await stats.FlushAsync();
        Assert.Equal(1, (await stats.ReadAsync(InMemoryDelivery.Account, StatsDayToday(delivery))).Messages);
    }

    [Fact]
    public async Task Retry_GetsTheFirstAnswer_AndIsNotCountedAgain()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);
        var first = await AnswerAsync(delivery, InMemoryDelivery.Text("pick", 7));
        delivery.Time.Advance(TimeSpan.FromSeconds(5));
        var retry = await AnswerAsync(delivery, InMemoryDelivery.Text("pick", 7));

        Assert.Equal(InMemoryDelivery.TextOf(first), InMemoryDelivery.TextOf(retry));
        Assert.Equal("replayed", retry.Note);
        Assert.Single(delivery.Observer.Events, e => e == "hit pick");
        Assert.Contains("dedup replayed", delivery.Observer.Events);
    }

    [Fact]
    public async Task FixedReply_CreateTimeIsThePushs_OnEveryAttempt()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);
        var first = await AnswerAsync(delivery, InMemoryDelivery.Text("hours", 8, createTime: 1_773_999_000));
        delivery.Time.Advance(TimeSpan.FromSeconds(9));
        var retry = await AnswerAsync(delivery, InMemoryDelivery.Text("hours", 8, createTime: 1_773_999_000));

        // docs/exactly-once.md: never the clock's (which reads 1,774,000,800 and later here).
        Assert.Equal(1_773_999_000, first.Answer.CreateTime);
        Assert.Equal(1_773_999_000, retry.Answer.CreateTime);
    }

    [Fact]
    public async Task RandomOne_IsTheSameChoiceForTheSamePush_OnAFreshInstance()
    {
        await using var a = InMemoryDelivery.Create(Rules);
        await using var b = InMemoryDelivery.Create(Rules);
        var choices = new HashSet<string>();
        for (var msgId = 1; msgId <= 30; msgId++)
        {
            var onA = InMemoryDelivery.TextOf(await AnswerAsync(a, InMemoryDelivery.Text("pick", msgId)));
            Assert.Equal(onA, InMemoryDelivery.TextOf(await AnswerAsync(b, InMemoryDelivery.Text("pick", msgId))));
            choices.Add(onA);
        }

        // The pick follows the push, not a constant.
        Assert.True(choices.Count > 1);
    }

    [Fact]
    public async Task UnknownText_GetsTheDefault_AndCountsAsUnanswered()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);
        var outcome = await AnswerAsync(delivery, InMemoryDelivery.Text("something else", 2));

        Assert.Equal("default reply", InMemoryDelivery.TextOf(outcome));
        Assert.Contains("unanswered", delivery.Observer.Events);
    }

    [Fact]
    public async Task FollowerOverTheLimit_IsAnsweredSuccess_AndCounted()
    {
        await using var delivery = InMemoryDelivery.Create(Rules, new RateLimits(2, 60, 0, 1));
        for (var msgId = 1; msgId <= 2; msgId++)
        {
            Assert.Equal("We open 9:00-21:00", InMemoryDelivery.TextOf(await AnswerAsync(delivery, InMemoryDelivery.Text("hours", msgId))));
        }

        var third = await AnswerAsync(delivery, InMemoryDelivery.Text("hours", 3));
        Assert.True(third.Answer.IsNothing);
        Assert.Contains("limited follower", delivery.Observer.Events);
    }

    private static Task<PushOutcome> AnswerAsync(InMemoryDelivery delivery, Protocol.Inbound.InboundMessage message) => delivery.AnswerAsync(message);

    private static DateOnly StatsDayToday(InMemoryDelivery delivery) => StatsDay.Of(delivery.Time.GetUtcNow(), TimeSpan.FromHours(8));
}
