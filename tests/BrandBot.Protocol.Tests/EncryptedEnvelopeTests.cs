using System.Text;
using BrandBot.Protocol.Simulation;
using BrandBot.Protocol.Xml;

namespace BrandBot.Protocol.Tests;

/// <summary>
/// The byte scan of a safe-mode envelope agrees with the full reader: whatever it accepts, the full reader
/// accepts with the same <c>Encrypt</c> text, and on every other body the answer is the full reader's.
/// </summary>
public sealed class EncryptedEnvelopeTests
{
    private const string Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private const string AppId = "wx5823bf96d3bd56c7";

    private static byte[] SafeBody(PushMode mode = PushMode.Safe) => SignedPush.Create(
        "token", AppId, Key, mode,
        "<xml><ToUserName><![CDATA[gh_1a2b3c]]></ToUserName><FromUserName><![CDATA[oFollower]]></FromUserName><CreateTime>1714112445</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>42</MsgId></xml>",
        1714112445, "123", new byte[16]).Body;

    private static string FullReader(byte[] body)
    {
        PushXmlReader.ReadEnvelope(body, out var encrypt);
        return Encoding.UTF8.GetString(encrypt.Span);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n    ")]
    public void WeChatsShape_IsScanned_AndFindsWhatTheFullReaderFinds(string layout)
    {
        var body = Encoding.UTF8.GetString(SafeBody());
        body = body.Replace("<ToUserName>", layout + "<ToUserName>").Replace("<Encrypt>", layout + "<Encrypt>").Replace("</xml>", layout + "</xml>") + layout;
        var bytes = Encoding.UTF8.GetBytes(body);

        Assert.True(EncryptedEnvelope.TryScan(bytes, out var range));
        Assert.Equal(FullReader(bytes), Encoding.UTF8.GetString(bytes[range]));
        Assert.Equal(FullReader(bytes), Encoding.UTF8.GetString(EncryptedEnvelope.ReadEncrypt(bytes).Span));
        Assert.NotEmpty(FullReader(bytes));
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?>")]
    [InlineData("\uFEFF")]
    [InlineData("<!-- note -->")]
    public void OtherShapes_GoToTheFullReader(string lead)
    {
        var bytes = Encoding.UTF8.GetBytes(lead + Encoding.UTF8.GetString(SafeBody()));
        Assert.False(EncryptedEnvelope.TryScan(bytes, out _));
        Assert.Equal(FullReader(SafeBody()), Encoding.UTF8.GetString(EncryptedEnvelope.ReadEncrypt(bytes).Span));

        var compatible = SafeBody(PushMode.Compatible);
        Assert.False(EncryptedEnvelope.TryScan(compatible, out _));
        Assert.Equal(FullReader(compatible), Encoding.UTF8.GetString(EncryptedEnvelope.ReadEncrypt(compatible).Span));
    }

    [Fact]
    public void MutatedBodies_SameVerdictAndTextAsTheFullReader()
    {
        var original = SafeBody();
        var random = new Random(30);
        // Bytes that matter to XML and to the scan, plus any byte at all.
        var interesting = Encoding.UTF8.GetBytes("<>/![]&;\"' \t\r\n=+ACxml\u00e9").Append((byte)0).Append((byte)0xFF).ToArray();
        var scanned = 0;
        for (var trial = 0; trial < 20000; trial++)
        {
            var bytes = original;
            for (var edits = random.Next(1, 3); edits > 0; edits--)
            {
                var at = random.Next(bytes.Length);
                var b = random.Next(4) == 0 ? (byte)random.Next(256) : interesting[random.Next(interesting.Length)];
                bytes = ByteMutation.Apply(bytes, random.Next(3), at, b, 1, replace: true);
            }

            string? full;
            try
            {
                full = FullReader(bytes);
            }
            catch (InboundXmlException)
            {
                full = null;
            }

            if (EncryptedEnvelope.TryScan(bytes, out var range))
            {
                scanned++;
                Assert.NotNull(full);
                Assert.Equal(full, Encoding.UTF8.GetString(bytes[range]));
            }

            if (full is null)
            {
                Assert.Throws<InboundXmlException>(() => EncryptedEnvelope.ReadEncrypt(bytes));
            }
            else
            {
                Assert.Equal(full, Encoding.UTF8.GetString(EncryptedEnvelope.ReadEncrypt(bytes).Span));
            }
        }

        // Many mutations land in the base64 or the layout and keep the shape: the scan was exercised.
        Assert.True(scanned > 1000, $"only {scanned} mutated bodies were scanned");
    }
}
