using System.Text;
using BrandBot.Delivery.Dedup;
using FsCheck.Xunit;

namespace BrandBot.Delivery.Tests.Dedup;

public class RememberedAnswerTests
{
    [Property]
    public bool Reply_RoundTrips(long createTime, byte[] tail, bool news)
    {
        var answer = new RememberedAnswer(createTime, news ? "news" : "transfer_customer_service", tail ?? []);
        var back = RememberedAnswer.Decode(answer.Encode());
        return back is not null && back.CreateTime == createTime && back.MsgType == answer.MsgType && back.Tail.Span.SequenceEqual(answer.Tail.Span);
    }

    [Fact]
    public void Nothing_RoundTripsAsNothing()
    {
        Assert.Equal("S"u8.ToArray(), RememberedAnswer.Nothing.Encode());
        Assert.True(RememberedAnswer.Decode("S"u8)!.IsNothing);
    }

    [Theory]
    [InlineData("P")]
    [InlineData("")]
    [InlineData("R")]
    [InlineData("Rxxxxxxxxtext")]
    public void AnythingElse_IsNotAnAnswer(string stored)
    {
        Assert.Null(RememberedAnswer.Decode(Encoding.ASCII.GetBytes(stored)));
    }
}
