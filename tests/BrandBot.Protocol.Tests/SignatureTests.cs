using BrandBot.Protocol.Crypto;

namespace BrandBot.Protocol.Tests;

public class SignatureTests
{
    [Theory]
    [MemberData(nameof(OfficialVectors.SignatureIds), MemberType = typeof(OfficialVectors))]
    public void Compute_OfficialVector_MatchesExpected(string id)
    {
        var vector = OfficialVectors.File.Signatures.Single(s => s.Id == id);
        Assert.Equal(vector.Expected, Signature.Compute(vector.Parts));
        Assert.True(Signature.Verify(vector.Expected, vector.Parts));
    }

    [Theory]
    [MemberData(nameof(OfficialVectors.SignatureIds), MemberType = typeof(OfficialVectors))]
    public void Verify_OneHexDigitFlipped_Fails(string id)
    {
        var vector = OfficialVectors.File.Signatures.Single(s => s.Id == id);
        var last = vector.Expected[^1];
        var flipped = vector.Expected[..^1] + (last == 'e' ? 'f' : 'e');
        Assert.False(Signature.Verify(flipped, vector.Parts));
    }

    [Fact]
    public void Verify_S5WithLastCharE_Fails()
    {
        // docs/protocol.md §7.1 S5: "last char e instead of f must fail".
        Assert.False(Signature.Verify("f21891de399b4e33a1a93c9a7b8a8fffb5a443fe", "test", "1410685589", "test"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("f464b24fc39322e44b38aa78f5edd27bd144169")]
    [InlineData("f464b24fc39322e44b38aa78f5edd27bd14416966")]
    public void Verify_MissingOrWrongLength_Fails(string? received)
    {
        Assert.False(Signature.Verify(received, "AAAAA", "1714036504", "1514711492"));
    }

    [Fact]
    public void Verify_UppercaseHex_IsTheSameDigest()
    {
        Assert.True(Signature.Verify("F464B24FC39322E44B38AA78F5EDD27BD1441696", "AAAAA", "1714036504", "1514711492"));
    }

    [Fact]
    public void Compute_OrderOfArguments_DoesNotMatter()
    {
        Assert.Equal(Signature.Compute("1514711492", "AAAAA", "1714036504"), Signature.Compute("AAAAA", "1714036504", "1514711492"));
    }

    [Fact]
    public void Compute_CultureSortTrap_UsesOrdinalOrder()
    {
        // docs/protocol.md §1.2 / P13: a culture-aware sort orders "_z,+x,1a,abc,Abd,Zz"; WeChat sorts by code unit.
        string[] parts = ["abc", "Abd", "_z", "+x", "1a", "Zz"];
        var cultureSorted = (string[])parts.Clone();
        Array.Sort(cultureSorted, StringComparer.InvariantCulture);
        var ordinalSorted = (string[])parts.Clone();
        Array.Sort(ordinalSorted, StringComparer.Ordinal);
        Assert.NotEqual(ordinalSorted, cultureSorted);

        var expected = Sha1Hex(string.Concat(ordinalSorted));
        var wrong = Sha1Hex(string.Concat(cultureSorted));
        Assert.Equal(expected, Signature.Compute(parts));
        Assert.NotEqual(wrong, Signature.Compute(parts));
    }

    [Fact]
    public void Compute_OfficialMsgSignature_PlusSortsBeforeDigits()
    {
        // docs/protocol.md §2.3: the 7.3 Encrypt starts with '+', which sorts first in ordinal order.
        var v = OfficialVectors.Envelope("7.3-json");
        Assert.Equal(v.MsgSignature, Signature.Compute(v.Token, v.Timestamp, v.Nonce, v.Encrypt));
    }

    private static string Sha1Hex(string s) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(s)));
}
