using System.Globalization;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Simulation;
using BrandBot.Protocol.Xml;

namespace BrandBot.Delivery.Tests.Pipeline;

/// <summary>
/// docs/exactly-once.md: every byte of a reply follows from the push and the rules version, so a retry —
/// on this instance or another, seconds later, with its query signed afresh — gets the first answer's bytes.
/// </summary>
public sealed class ReplyBytesTests
{
    private const string Rules = """
        default:
          replies: [ text: "default reply" ]
        rules:
          - { name: hours, keywords: [ equal: "hours" ], replies: [ text: "We open 9:00-21:00" ] }
        """;

    private const string Token = "token";
    private const string AppId = "wx5823bf96d3bd56c7";
    private const string Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private const long PushCreateTime = 1_773_999_000;

    [Theory]
    [InlineData(PushMode.Plain)]
    [InlineData(PushMode.Compatible)]
    [InlineData(PushMode.Safe)]
    public async Task Retry_OnAnotherInstanceLater_IsTheSameBytes(PushMode mode)
    {
        await using var a = InMemoryDelivery.Create(Rules);
        await using var b = InMemoryDelivery.Create(Rules);
        var xml = SampleMessages.Text("gh_test", "oFollower1", PushCreateTime, "hours", 42);

        var first = await ProcessAsync(a, mode, xml, nonce: "111");
        b.Time.Advance(TimeSpan.FromSeconds(7));
        var retryElsewhere = await ProcessAsync(b, mode, xml, nonce: "222");
        a.Time.Advance(TimeSpan.FromSeconds(12));
        var retryHere = await ProcessAsync(a, mode, xml, nonce: "333");

        Assert.Contains("We open 9:00-21:00", SignedPush.DecodeReply(Token, AppId, Key, null, first));
        Assert.Equal(first, retryElsewhere);
        Assert.Equal(first, retryHere);
    }

    [Fact]
    public async Task Reply_CreateTimeAndTimeStampAreThePushs_NotTheClock()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);
        var body = await ProcessAsync(delivery, PushMode.Safe, SampleMessages.Text("gh_test", "oFollower1", PushCreateTime, "hours", 43), nonce: "1");

        var envelope = PushXmlReader.Read(body);
        var inner = PushXmlReader.Read(System.Text.Encoding.UTF8.GetBytes(SignedPush.DecodeReply(Token, AppId, Key, null, body)));
        Assert.NotEqual(PushCreateTime, delivery.Time.GetUtcNow().ToUnixTimeSeconds());
        Assert.Equal(PushCreateTime.ToString(CultureInfo.InvariantCulture), inner["CreateTime"]);
        Assert.Equal(PushCreateTime.ToString(CultureInfo.InvariantCulture), envelope["TimeStamp"]);
    }

    [Fact]
    public async Task Safe_DistinctPushesWithTheSameReply_GetDistinctPrefixesAndNonces()
    {
        await using var delivery = InMemoryDelivery.Create(Rules);
        var nonces = new HashSet<string>();
        var firstBlocks = new HashSet<string>();
        for (var msgId = 1; msgId <= 50; msgId++)
        {
            var body = await ProcessAsync(delivery, PushMode.Safe, SampleMessages.Text("gh_test", "oFollower1", PushCreateTime, "hours", msgId), nonce: "1");
            var envelope = PushXmlReader.Read(body);
            nonces.Add(envelope["Nonce"]!);
            // The first 16 ciphertext bytes are the encrypted prefix: equal prefixes would show here.
            firstBlocks.Add(envelope["Encrypt"]![..22]);
        }

        Assert.Equal(50, nonces.Count);
        Assert.Equal(50, firstBlocks.Count);
    }

    private static async Task<byte[]> ProcessAsync(InMemoryDelivery delivery, PushMode mode, string xml, string nonce)
    {
        var account = new WeChatAccount(InMemoryDelivery.Account, AppId, Token, Key, null, null, null);
        var timestamp = delivery.Time.GetUtcNow().ToUnixTimeSeconds();
        var push = SignedPush.Create(Token, AppId, Key, mode, xml, timestamp, nonce, new byte[16]);
        var answer = await delivery.Get<PushProcessor>().ProcessAsync(account, PushQuery.Parse(push.Query), push.Body, delivery.Time.GetTimestamp(), CancellationToken.None);
        Assert.Equal(200, answer.Status);
        return answer.Body.ToArray();
    }
}
