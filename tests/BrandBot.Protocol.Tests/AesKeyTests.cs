using BrandBot.Protocol.Crypto;

namespace BrandBot.Protocol.Tests;

public class AesKeyTests
{
    [Theory]
    [MemberData(nameof(OfficialVectors.KeyNames), MemberType = typeof(OfficialVectors))]
    public void Decode_OfficialKey_GivesExpectedBytes(string encodingAesKey)
    {
        var expected = OfficialVectors.File.Keys.Single(k => k.EncodingAesKey == encodingAesKey).Hex;
        Assert.Equal(expected, Convert.ToHexStringLower(AesKey.Decode(encodingAesKey)));
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 42 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 44 characters
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!")] // not base64
    public void Decode_BadKey_ThrowsIllegalAesKey(string key)
    {
        var ex = Assert.Throws<WeChatCryptoException>(() => AesKey.Decode(key));
        Assert.Equal(-40004, ex.Code);
    }
}
