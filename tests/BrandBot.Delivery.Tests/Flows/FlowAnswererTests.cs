using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Flows;
using BrandBot.Protocol.Inbound;
using BrandBot.Rules.Stats;

namespace BrandBot.Delivery.Tests.Flows;

/// <summary>Flow answering on the embedded flow store: state kept between pushes, a retry replayed, a cancel.</summary>
public sealed class FlowAnswererTests
{
    private const string Rules = """
        flows:
          size:
            steps:
              - ask: size
                prompt: [ text: "Which size?" ]
                accept: { choices: [ { value: S, say: [ "s" ] }, { value: M, say: [ "m" ] } ] }
                invalid: [ text: "S or M, please." ]
              - say: [ text: "Size {size} noted." ]
        default:
          replies: [ text: "default reply" ]
        rules:
          - { name: start, keywords: [ equal: "order" ], flow: size }
        """;

    private const string Follower = "oFlowFollower000000000000001";

    [Fact]
    public async Task Conversation_KeepsItsStateBetweenPushes_AndEnds()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);

        Assert.Equal("Which size?", InMemoryDelivery.TextOf(await AnswerAsync(delivery, Text("order", 1))));
        Assert.Equal("S or M, please.", InMemoryDelivery.TextOf(await AnswerAsync(delivery, Text("xl", 2))));
        Assert.Equal("Size M noted.", InMemoryDelivery.TextOf(await AnswerAsync(delivery, Text("m", 3))));
        // The flow is over: the next text is routed as if none existed.
        Assert.Equal("default reply", InMemoryDelivery.TextOf(await AnswerAsync(delivery, Text("m", 4))));
        Assert.Contains("flow size started", delivery.Observer.Events);
        Assert.Contains("flow size completed", delivery.Observer.Events);

        // Every text counts as a message, in the flow or not.
        var stats = delivery.Get<IHitStats>();
        await stats.FlushAsync();
        var today = StatsDay.Of(delivery.Time.GetUtcNow(), TimeSpan.FromHours(8));
        Assert.Equal(4, (await stats.ReadAsync(InMemoryDelivery.Account, today)).Messages);
    }

    [Fact]
    public async Task Retry_IsReplayed_WithoutMovingTheFlow()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);
        await AnswerAsync(delivery, Text("order", 1));
        var first = await AnswerAsync(delivery, Text("s", 2));
        var retry = await AnswerAsync(delivery, Text("s", 2));

        Assert.Equal("Size S noted.", InMemoryDelivery.TextOf(first));
        Assert.Equal(InMemoryDelivery.TextOf(first), InMemoryDelivery.TextOf(retry));
        Assert.Single(delivery.Observer.Events, e => e == "flow size completed");
    }

    [Fact]
    public async Task FlowReplies_TakeThePushsCreateTime_SoARetryLaterIsTheSameBytes()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);
        // A clock well past the pushes' CreateTime: a reply stamped from it could not equal the push's.
        delivery.Time.Advance(TimeSpan.FromMinutes(3));
        var start = Text("order", 1);
        var prompt = await AnswerAsync(delivery, start);
        delivery.Time.Advance(TimeSpan.FromSeconds(5));
        var promptRetry = await AnswerAsync(delivery, start);

        var choice = Text("s", 2);
        var noted = await AnswerAsync(delivery, choice);
        delivery.Time.Advance(TimeSpan.FromSeconds(5));
        var notedRetry = await AnswerAsync(delivery, choice);

        Assert.Equal(start.CreateTime, prompt.Answer.CreateTime);
        Assert.Equal(choice.CreateTime, noted.Answer.CreateTime);
        Assert.Equal("replayed", promptRetry.Note);
        Assert.Equal("replayed", notedRetry.Note);
        // The replayed record and the first attempt's answer encode to the same bytes.
        Assert.Equal(prompt.Answer.Encode(), promptRetry.Answer.Encode());
        Assert.Equal(noted.Answer.Encode(), notedRetry.Answer.Encode());
    }

    [Fact]
    public async Task ThreeInvalidAnswers_WithoutAnExhaustedReply_SayWhatHappened_NotACancel()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);
        await AnswerAsync(delivery, Text("order", 1));
        await AnswerAsync(delivery, Text("xl", 2));
        await AnswerAsync(delivery, Text("xxl", 3));
        var last = InMemoryDelivery.TextOf(await AnswerAsync(delivery, Text("xxxl", 4)));

        Assert.NotEqual("OK, cancelled.", last);
        Assert.Contains("couldn't use those answers", last, StringComparison.Ordinal);
        Assert.Contains("flow size exhausted", delivery.Observer.Events);
        Assert.DoesNotContain("flow size cancelled", delivery.Observer.Events);
        // Over: the next text is routed as if no flow existed.
        Assert.Equal("default reply", InMemoryDelivery.TextOf(await AnswerAsync(delivery, Text("m", 5))));
    }

    private static InboundMessage Text(string content, long msgId) => InMemoryDelivery.Text(content, msgId, Follower);

    private static Task<PushOutcome> AnswerAsync(InMemoryDelivery delivery, InboundMessage message) => delivery.AnswerAsync(message);
}
