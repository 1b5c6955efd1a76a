using System.Text;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Xml;
using FsCheck.Xunit;

namespace BrandBot.Protocol.Tests;

public class ReplyWriterTests
{
    [Fact]
    public void Write_Text_SwapsUsersAndUsesSeconds()
    {
        var xml = Write(new TextReply("你好"));
        Assert.Equal("<xml><ToUserName><![CDATA[openid]]></ToUserName><FromUserName><![CDATA[gh_1]]></FromUserName><CreateTime>1714112445</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content></xml>", xml);
    }

    [Fact]
    public void Write_HasNoBom()
    {
        var bytes = ReplyWriter.Write("o", "g", 1, ReplyBody.Prepare(new TextReply("x")));
        Assert.Equal((byte)'<', bytes[0]);
    }

    [Fact]
    public void Write_CdataTerminatorInText_IsSplitAndParsesBack()
    {
        var fields = Parse(new TextReply("a]]>b]]>"));
        Assert.Equal("a]]>b]]>", fields["Content"]);
    }

    [Fact]
    public void Write_ForbiddenControlCharacters_AreRemoved()
    {
        var fields = Parse(new TextReply("a\u0000b\u0001c\td\ne\u000Bf\uFFFFg\uD800h"));
        Assert.Equal("abc\td\nefgh", fields["Content"]);
    }

    [Fact]
    public void Write_CarriageReturns_BecomeLineFeeds()
    {
        Assert.Equal("a\nb\nc", Parse(new TextReply("a\r\nb\rc"))["Content"]);
    }

    [Fact]
    public void Write_LongText_IsCutTo2048Utf8BytesWithoutSplittingEmoji()
    {
        var text = "a" + string.Concat(Enumerable.Repeat("😀", 1000)); // 1 + 4000 bytes
        var content = Parse(new TextReply(text))["Content"]!;
        Assert.True(Encoding.UTF8.GetByteCount(content) <= ReplyLimits.MaxTextBytes);
        Assert.Equal(1 + (2044 / 4 * 2), content.Length);
        Assert.False(char.IsHighSurrogate(content[^1]));
    }

    [Fact]
    public void Write_TextAtExactlyTheLimit_IsKept()
    {
        var text = new string('x', ReplyLimits.MaxTextBytes);
        Assert.Equal(text, Parse(new TextReply(text))["Content"]);
    }

    [Fact]
    public void Write_NewsForUserMessage_KeepsFirstArticleOnly()
    {
        var news = new NewsReply([.. Enumerable.Range(1, 10).Select(i => new Article($"t{i}", "d", "https://p", "https://u"))]);
        var one = PushXmlReader.Read(ReplyWriter.Write("o", "g", 1, ReplyBody.Prepare(news, ReplyLimits.MaxArticlesForUserMessage)));
        Assert.Equal("1", one["ArticleCount"]);
        Assert.Equal(["t1"], one.AllAt("Articles/item/Title"));

        var eight = PushXmlReader.Read(ReplyWriter.Write("o", "g", 1, ReplyBody.Prepare(news, ReplyLimits.MaxArticlesForEvent)));
        Assert.Equal("8", eight["ArticleCount"]);
        Assert.Equal(8, eight.AllAt("Articles/item/Title").Count());
        Assert.Equal("https://u", eight["Articles/item/Url"]);
    }

    [Fact]
    public void Write_MediaReplies_HaveTheirElements()
    {
        Assert.Equal("M", Parse(new ImageReply("M"))["Image/MediaId"]);
        Assert.Equal("M", Parse(new VoiceReply("M"))["Voice/MediaId"]);
        var video = Parse(new VideoReply("M", "t", null));
        Assert.Equal("t", video["Video/Title"]);
        Assert.False(video.Contains("Video/Description"));
        var music = Parse(new MusicReply("t", "d", "https://m", "https://hq", "TH"));
        Assert.Equal("https://hq", music["Music/HQMusicUrl"]);
        Assert.Equal("TH", music["Music/ThumbMediaId"]);
        Assert.Equal("music", music["MsgType"]);
    }

    [Fact]
    public void Write_Transfer_WithAndWithoutAgent()
    {
        Assert.Equal("transfer_customer_service", Parse(new TransferReply())["MsgType"]);
        Assert.False(Parse(new TransferReply()).Contains("TransInfo/KfAccount"));
        Assert.Equal("agent1@brand", Parse(new TransferReply("agent1@brand"))["TransInfo/KfAccount"]);
    }

    [Fact]
    public void WriteSealed_HasOfficialElementOrder()
    {
        using var key = new BrandBot.Protocol.Crypto.EnvelopeKey(new byte[32]);
        var xml = Encoding.UTF8.GetString(ReplyWriter.WriteSealed(
            key, "wx1"u8, "token", "push"u8, "openid", "gh_1", 1713424427, ReplyBody.Prepare(new TextReply("hi"))));
        Assert.Matches(@"^<xml><Encrypt><!\[CDATA\[[A-Za-z0-9+/]+=*\]\]></Encrypt><MsgSignature><!\[CDATA\[[0-9a-f]{40}\]\]></MsgSignature><TimeStamp>1713424427</TimeStamp><Nonce><!\[CDATA\[[0-9]{10}\]\]></Nonce></xml>$", xml);
    }

    [Property(MaxTest = 300)]
    public bool AnySanitisedText_RoundTripsThroughReplyXml(string? text)
    {
        text ??= "";
        var expected = XmlText.TruncateUtf8(XmlText.Sanitize(text), ReplyLimits.MaxTextBytes).Trim();
        return Parse(new TextReply(text))["Content"] == expected;
    }

    private static string Write(Reply reply) =>
        Encoding.UTF8.GetString(ReplyWriter.Write("openid", "gh_1", 1714112445, ReplyBody.Prepare(reply)));

    private static PushFields Parse(Reply reply) =>
        PushXmlReader.Read(ReplyWriter.Write("openid", "gh_1", 1714112445, ReplyBody.Prepare(reply)));
}
