using System.Security.Cryptography;
using System.Text;
using BrandBot.Protocol.Crypto;
using FsCheck.Xunit;

namespace BrandBot.Protocol.Tests;

public class EnvelopeTests
{
    [Theory]
    [MemberData(nameof(OfficialVectors.EnvelopeIds), MemberType = typeof(OfficialVectors))]
    public void Open_OfficialVector_GivesOfficialMessage(string id)
    {
        var v = OfficialVectors.Envelope(id);
        var key = AesKey.Decode(v.EncodingAesKey);

        Assert.Equal(v.CipherBytes, Convert.FromBase64String(v.Encrypt).Length);
        var message = Envelope.Open(key, v.Encrypt, v.AppId);

        Assert.Equal(v.Message, Encoding.UTF8.GetString(message));
        Assert.True(Signature.Verify(v.MsgSignature, v.Token, v.Timestamp, v.Nonce, v.Encrypt));
        Assert.True(Signature.Verify(v.Signature, v.Token, v.Timestamp, v.Nonce));
    }

    [Theory]
    [MemberData(nameof(OfficialVectors.EnvelopeIds), MemberType = typeof(OfficialVectors))]
    public void Seal_OfficialReplyWithFixedRandom_GivesOfficialEncryptAndSignature(string id)
    {
        var v = OfficialVectors.Envelope(id);
        var key = AesKey.Decode(v.EncodingAesKey);

        var encrypt = Envelope.Seal(key, Encoding.ASCII.GetBytes(v.Reply.Random), Encoding.UTF8.GetBytes(v.Reply.Message), v.AppId);

        Assert.Equal(v.Reply.Encrypt, encrypt);
        Assert.Equal(v.Reply.MsgSignature, Signature.Compute(v.Token, v.Reply.TimeStamp, v.Reply.Nonce, encrypt));
        Assert.Equal(v.Reply.Message, Encoding.UTF8.GetString(Envelope.Open(key, encrypt, v.AppId)));
    }

    [Fact]
    public void Open_WrongAppId_ThrowsValidateAppId()
    {
        var v = OfficialVectors.Envelope("7.3-json");
        var ex = Assert.Throws<WeChatCryptoException>(() => Envelope.Open(AesKey.Decode(v.EncodingAesKey), v.Encrypt, "wxba5fad812f8e6fb8"));
        Assert.Equal(-40005, ex.Code);
    }

    [Theory]
    [MemberData(nameof(OfficialVectors.EnvelopeIds), MemberType = typeof(OfficialVectors))]
    public void Open_WrongKey_ThrowsTypedErrorNeverAnythingElse(string id)
    {
        var v = OfficialVectors.Envelope(id);
        var wrongKey = AesKey.Decode(new string('B', 43));
        var ex = Assert.Throws<WeChatCryptoException>(() => Envelope.Open(wrongKey, v.Encrypt, v.AppId));
        Assert.Contains(ex.Code, new[] { -40007, -40008, -40005 });
    }

    [Fact]
    public void Open_CiphertextNotMultipleOf16_ThrowsDecryptAes()
    {
        var v = OfficialVectors.Envelope("7.3-json");
        var truncated = Convert.ToBase64String(Convert.FromBase64String(v.Encrypt)[..^5]);
        var ex = Assert.Throws<WeChatCryptoException>(() => Envelope.Open(AesKey.Decode(v.EncodingAesKey), truncated, v.AppId));
        Assert.Equal(-40007, ex.Code);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("QUJD*")]
    public void Open_BadBase64_ThrowsDecodeBase64(string encrypt)
    {
        var ex = Assert.Throws<WeChatCryptoException>(() => Envelope.Open(new byte[32], encrypt, "wx1"));
        Assert.Equal(-40010, ex.Code);
    }

    [Fact]
    public void Open_EmptyEncrypt_ThrowsDecryptAes()
    {
        var ex = Assert.Throws<WeChatCryptoException>(() => Envelope.Open(new byte[32], "", "wx1"));
        Assert.Equal(-40007, ex.Code);
    }

    [Theory]
    [InlineData(0)]   // pad byte 0 is never valid
    [InlineData(33)]  // larger than the 32-byte block
    public void Open_PadByteOutOfRange_ThrowsDecryptAes(byte padByte)
    {
        var plain = new byte[64];
        plain[^1] = padByte;
        var ex = Assert.Throws<WeChatCryptoException>(() => Envelope.Open(new byte[32], RawEncrypt(new byte[32], plain), "wx1"));
        Assert.Equal(-40007, ex.Code);
    }

    [Fact]
    public void Open_InconsistentPadBytes_ThrowsDecryptAes()
    {
        var plain = new byte[64];
        plain.AsSpan(60).Fill(4);
        plain[61] = 9;
        var ex = Assert.Throws<WeChatCryptoException>(() => Envelope.Open(new byte[32], RawEncrypt(new byte[32], plain), "wx1"));
        Assert.Equal(-40007, ex.Code);
    }

    [Fact]
    public void Open_LengthFieldBeyondBuffer_ThrowsIllegalBuffer()
    {
        var plain = new byte[64];
        plain[16] = 0x7F; // msg_len ≈ 2 GB
        plain.AsSpan(32).Fill(32);
        var ex = Assert.Throws<WeChatCryptoException>(() => Envelope.Open(new byte[32], RawEncrypt(new byte[32], plain), "wx1"));
        Assert.Equal(-40008, ex.Code);
    }

    [Fact]
    public void Seal_ContentAlignedTo32_AddsAFullPadBlock()
    {
        // 16 + 4 + msg + appId = 64 → P = 32, so the ciphertext is 96 bytes (docs/protocol.md §2.4).
        var appId = "wx0123456789abcdef"; // 18 bytes
        var message = new byte[64 - 20 - appId.Length];
        var key = RandomNumberGenerator.GetBytes(32);

        var encrypt = Envelope.Seal(key, new byte[16], message, appId);

        Assert.Equal(96, Convert.FromBase64String(encrypt).Length);
        Assert.Equal(message, Envelope.Open(key, encrypt, appId));
    }

    [Fact]
    public void Seal_LengthFieldCountsUtf8Bytes()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var message = Encoding.UTF8.GetBytes("<xml>你好 😀</xml>");
        var encrypt = Envelope.Seal(key, new byte[16], message, "wxabc");
        Assert.Equal(message, Envelope.Open(key, encrypt, "wxabc"));
    }

    [Property(MaxTest = 200)]
    public bool SealThenOpen_RoundTripsAnyMessage(byte[] message, byte[] prefixSeed)
    {
        var key = SHA256.HashData(prefixSeed);
        var prefix = key[..16];
        return Envelope.Open(key, Envelope.Seal(key, prefix, message, "wx5823bf96d3bd56c7"), "wx5823bf96d3bd56c7").AsSpan().SequenceEqual(message);
    }

    private static string RawEncrypt(byte[] key, byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }
}
