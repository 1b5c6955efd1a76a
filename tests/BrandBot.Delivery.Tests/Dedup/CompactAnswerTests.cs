using System.Text;
using BrandBot.Delivery.Dedup;

namespace BrandBot.Delivery.Tests.Dedup;

public class CompactAnswerTests
{
    [Theory]
    [InlineData(17, 0, 1, "F17:0:1")]
    [InlineData(123456, 4, -3, "F123456:4:-3")]
    public void RoundTrips_InAFewAsciiBytes(long version, int index, long after, string encoded)
    {
        var answer = new CompactAnswer(version, index, after);
        Assert.Equal(encoded, Encoding.ASCII.GetString(answer.Encode()));
        Assert.Equal(answer, CompactAnswer.Decode(answer.Encode()));
    }

    [Fact]
    public void Success_IsOneByte()
    {
        Assert.Equal("S"u8.ToArray(), CompactAnswer.Nothing.Encode());
        Assert.True(CompactAnswer.Decode("S"u8)!.Value.IsNothing);
    }

    [Theory]
    [InlineData("P")]
    [InlineData("F:1:2")]
    [InlineData("F1:2")]
    [InlineData("Fx:1:2")]
    [InlineData("R12345678text\nabc")]
    public void AnythingElse_IsNotACompactAnswer(string stored) => Assert.Null(CompactAnswer.Decode(Encoding.ASCII.GetBytes(stored)));
}
