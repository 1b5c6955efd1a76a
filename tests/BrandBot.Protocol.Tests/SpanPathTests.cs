using System.Text;
using BrandBot.Protocol.Crypto;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Simulation;
using BrandBot.Protocol.Xml;

namespace BrandBot.Protocol.Tests;

/// <summary>
/// The push path's byte forms — Encrypt read as a slice of the body, signatures over spans, the envelope
/// opened into a pooled buffer, the sealed reply written into its final bytes — held to the string forms
/// and the official vectors.
/// </summary>
public sealed class SpanPathTests
{
    private const string Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private const string AppId = "wx5823bf96d3bd56c7";

    [Theory]
    [InlineData("<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{0}]]></Encrypt></xml>", true)]
    [InlineData("<xml><Encrypt>{0}</Encrypt></xml>", true)]
    [InlineData("<xml>\n  <Encrypt>\n    <![CDATA[{0}]]>\n  </Encrypt>\n</xml>", true)]
    [InlineData("<xml><Encrypt>  {0}\n</Encrypt></xml>", true)]
    [InlineData("<xml><Encrypt><![CDATA[{0}]]><![CDATA[]]></Encrypt></xml>", false)]
    [InlineData("<xml><Encrypt>{0}&#x41;</Encrypt></xml>", false)]
    [InlineData("<xml><Encrypt><![CDATA[AB\r\nCD{0}]]></Encrypt></xml>", false)]
    [InlineData("<xml><Encrypt><![CDATA[{0}]]></Encrypt><Encrypt>second</Encrypt></xml>", true)]
    [InlineData("<xml><A><Encrypt>{0}</Encrypt></A><Encrypt><![CDATA[{0}]]></Encrypt></xml>", true)]
    [InlineData("<xml><Encrypt><![CDATA[{0}\u3000]]></Encrypt></xml>", false)]
    public void ReadEnvelope_FindsTheSameEncryptAsTheStringReader(string template, bool inPlace)
    {
        var body = Encoding.UTF8.GetBytes(template.Replace("{0}", "QUJD+/=", StringComparison.Ordinal));
        var fields = PushXmlReader.ReadEnvelope(body, out var encrypt);

        Assert.Equal(PushXmlReader.Read(body)["Encrypt"], Encoding.UTF8.GetString(encrypt.Span));
        Assert.Equal(inPlace, System.Runtime.InteropServices.MemoryMarshal.TryGetArray(encrypt, out var segment) && ReferenceEquals(segment.Array, body));
        Assert.Equal(PushXmlReader.Read(body).Contains("ToUserName"), fields.Contains("ToUserName"));
    }

    [Fact]
    public void ReadEnvelope_WithoutEncrypt_IsEmpty_AndBadXmlStillFails()
    {
        PushXmlReader.ReadEnvelope("<xml><ToUserName>gh</ToUserName></xml>"u8.ToArray(), out var encrypt);
        Assert.True(encrypt.IsEmpty);
        Assert.Throws<InboundXmlException>(() => PushXmlReader.ReadEnvelope("<xml><Encrypt><![CDATA[abc]]></Encrypt>"u8.ToArray(), out _));
        Assert.Throws<InboundXmlException>(() => PushXmlReader.ReadEnvelope("<xml><Encrypt>a\u0001b</Encrypt></xml>"u8.ToArray(), out _));
    }

    [Theory]
    [MemberData(nameof(OfficialVectors.EnvelopeIds), MemberType = typeof(OfficialVectors))]
    public void OfficialVector_OpensFromBytes_AndTheSignatureChecksOverBytes(string id)
    {
        var v = OfficialVectors.Envelope(id);
        var crypto = new AccountCrypto(v.AppId, v.EncodingAesKey);
        var encrypt = Encoding.ASCII.GetBytes(v.Encrypt);

        Assert.True(Signature.Verify(v.MsgSignature, v.Token, v.Timestamp, v.Nonce, encrypt));
        Assert.False(Signature.Verify(v.MsgSignature, v.Token, v.Timestamp, v.Nonce + "1", encrypt));
        Assert.True(Signature.Verify(v.Signature, v.Token, v.Timestamp, v.Nonce));
        using var opened = crypto.Open(encrypt);
        Assert.Equal(v.Message, Encoding.UTF8.GetString(opened.Message));
    }

    [Fact]
    public void SignatureSpanForms_AgreeWithTheStringForm()
    {
        var random = new Random(3);
        const string Alphabet = "abcXYZ019+/=_-";
        string Part() => new([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
        for (var trial = 0; trial < 500; trial++)
        {
            var (a, b, c, d) = (Part(), Part(), Part(), Part());
            var expected = Signature.Compute(a, b, c, d);
            var hex = new byte[40];
            Signature.Compute(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b), Encoding.UTF8.GetBytes(c), Encoding.UTF8.GetBytes(d), hex);
            Assert.Equal(expected, Encoding.ASCII.GetString(hex));
            Assert.True(Signature.Verify(expected, a, b, c, Encoding.UTF8.GetBytes(d)));
            Assert.True(Signature.Verify(expected.ToUpperInvariant(), a, b, c, Encoding.UTF8.GetBytes(d)));
            Assert.True(Signature.Verify(Signature.Compute(a, b, c), a, b, c));
            Assert.False(Signature.Verify(expected[..39] + (expected[39] == '0' ? '1' : '0'), a, b, c, Encoding.UTF8.GetBytes(d)));
        }

        Assert.False(Signature.Verify("zz" + new string('0', 38), "a", "b", "c"));
        Assert.False(Signature.Verify(null, "a", "b", "c"));
        Assert.True(Signature.Verify(Signature.Compute(new string('t', 400), "1", "2"), new string('t', 400), "1", "2"));
    }

    [Fact]
    public void WriteSealed_DecryptsToTheReply_SignsWhatItWrites_AndIsAFunctionOfItsInputs()
    {
        var crypto = new AccountCrypto(AppId, Key);
        var body = ReplyBody.Prepare(new TextReply("We open 9:00-21:00 ]]> 😀"));
        byte[] Seal(byte[] identity) => WithKey(crypto, key => ReplyWriter.WriteSealed(key, crypto.AppIdBytes, "token", identity, "oFollower", "gh_1", 1714112445, body));

        var first = Seal([1, 2, 3]);
        var inner = SignedPush.DecodeReply("token", AppId, Key, null, first);
        Assert.Equal(Encoding.UTF8.GetString(ReplyWriter.Write("oFollower", "gh_1", 1714112445, body)), inner);
        var envelope = PushXmlReader.Read(first);
        Assert.Equal("1714112445", envelope["TimeStamp"]);
        Assert.Equal(Signature.Compute("token", envelope["TimeStamp"]!, envelope["Nonce"]!, envelope["Encrypt"]!), envelope["MsgSignature"]);

        Assert.Equal(first, Seal([1, 2, 3]));
        var other = Seal([1, 2, 4]);
        Assert.NotEqual(envelope["Encrypt"]![..22], PushXmlReader.Read(other)["Encrypt"]![..22]);
        Assert.NotEqual(envelope["Nonce"], PushXmlReader.Read(other)["Nonce"]);
    }

    [Fact]
    public void OpenFromBytes_RandomAndTruncatedInput_OnlyEverFailsWithACryptoError()
    {
        var crypto = new AccountCrypto(AppId, Key, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
        var random = new Random(5);
        var sealedOnce = Encoding.ASCII.GetBytes(Envelope.Seal(AesKey.Decode(Key), new byte[16], "<xml/>"u8, AppId));
        for (var trial = 0; trial < 3000; trial++)
        {
            byte[] input = (trial % 3) switch
            {
                0 => Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomBytes(random, random.Next(0, 300)))),
                1 => sealedOnce[..random.Next(0, sealedOnce.Length + 1)],
                _ => RandomBytes(random, random.Next(0, 100)),
            };
            try
            {
                using var opened = crypto.Open(input);
                Assert.True(opened.Message.Length <= input.Length);
            }
            catch (WeChatCryptoException)
            {
            }
        }
    }

    private static byte[] WithKey(AccountCrypto crypto, Func<EnvelopeKey, byte[]> seal)
    {
        var probe = Encoding.ASCII.GetBytes(Envelope.Seal(AesKey.Decode(Key), new byte[16], "<xml/>"u8, AppId));
        using var opened = crypto.Open(probe);
        return seal(opened.Key);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
