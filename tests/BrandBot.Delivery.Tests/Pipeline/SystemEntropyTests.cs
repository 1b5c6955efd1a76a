using BrandBot.Delivery.Pipeline;

namespace BrandBot.Delivery.Tests.Pipeline;

/// <summary>Envelope prefixes come from the OS generator drawn in blocks: every prefix must still be fresh bytes, never a repeat.</summary>
public class SystemEntropyTests
{
    [Fact]
    public void PrefixesAcrossSeveralDraws_AreAllDifferent_AndNeverZero()
    {
        var entropy = new SystemEntropy();
        var seen = new HashSet<string>();
        var prefix = new byte[16];
        // 4 KB a draw is 256 prefixes: 1,000 cross three refills, and one odd size shifts the boundary.
        for (var i = 0; i < 1000; i++)
        {
            var buffer = i == 300 ? new byte[7] : prefix;
            entropy.Fill(buffer);
            Assert.True(seen.Add(Convert.ToHexString(buffer)), $"prefix {i} repeated an earlier one");
            Assert.Contains(buffer, b => b != 0);
        }
    }

    [Fact]
    public void ALargeRequest_IsFilledWhole_AndDoesNotRepeatTheBlock()
    {
        var entropy = new SystemEntropy();
        var small = new byte[16];
        entropy.Fill(small);
        var large = new byte[3000];
        entropy.Fill(large);
        Assert.True(large.Skip(2900).Any(b => b != 0), "the end of a large request was left unfilled");
        var next = new byte[16];
        entropy.Fill(next);
        Assert.NotEqual(small, next);
        Assert.False(large.AsSpan().IndexOf(next) >= 0, "a prefix handed out again inside the large request");
    }

    [Fact]
    public async Task PrefixesOnOtherThreads_AreDifferentToo()
    {
        var entropy = new SystemEntropy();
        var prefixes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var buffer = new byte[16];
            entropy.Fill(buffer);
            return Convert.ToHexString(buffer);
        })));
        Assert.Equal(prefixes.Length, prefixes.Distinct().Count());
    }
}
