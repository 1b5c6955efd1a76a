using System.Text;
using BrandBot.Delivery.Backend;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;

namespace BrandBot.Delivery.Tests.Backend;

public class BackendAnswerTests
{
    [Fact]
    public void Text_IsOneTextReply()
    {
        Assert.Equal([new TextReply("航班 MU5101 准点")], Parse("""{"text": "航班 MU5101 准点"}"""));
    }

    [Fact]
    public void FlowObjectAlone_IsNoReply_AndIsReadBack()
    {
        var json = """{"flow": {"reask": "date", "text": "No flights that day"}}""";
        Assert.Empty(Parse(json)!);
        Assert.Equal("date", BackendAnswer.FlowOf(Encoding.UTF8.GetBytes(json))!.Value.GetProperty("reask").GetString());
        Assert.Null(Parse("""{"other": 1}"""));
    }

    [Fact]
    public void News_IsOneNewsReply()
    {
        var reply = Assert.IsType<NewsReply>(Assert.Single(Parse("""{"news": [{"title": "t", "description": "d", "picUrl": "https://p", "url": "https://u"}]}""")!));
        Assert.Equal(new Article("t", "d", "https://p", "https://u"), Assert.Single(reply.Articles));
    }

    [Fact]
    public void Replies_UseTheRulesFileShapes_InOrder()
    {
        var replies = Parse("""
            {"replies": [
              {"text": "one"},
              {"image": {"mediaId": "IMG"}},
              {"voice": {"mediaId": "V"}},
              {"video": {"mediaId": "VID", "title": "t"}},
              {"music": {"title": "m", "musicUrl": "https://m"}},
              {"transfer": {"kfAccount": "a@b"}}
            ]}
            """)!;
        Assert.Equal(
            [new TextReply("one"), new ImageReply("IMG"), new VoiceReply("V"), new VideoReply("VID", "t", null), new MusicReply("m", null, "https://m", null, null), new TransferReply("a@b")],
            replies);
    }

    [Fact]
    public void EmptyReplies_MeansNoReply()
    {
        Assert.Empty(Parse("""{"replies": []}""")!);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"text": ""}""")]
    [InlineData("""{"text": 5}""")]
    [InlineData("""{"news": []}""")]
    [InlineData("""{"news": [{"description": "no title"}]}""")]
    [InlineData("""{"replies": [{"sms": "x"}]}""")]
    [InlineData("""{"replies": [{"text": "a", "image": {"mediaId": "b"}}]}""")]
    [InlineData("""{"replies": {"text": "a"}}""")]
    [InlineData("""{"replies": [{"image": {}}]}""")]
    public void Garbage_IsABadAnswer(string json)
    {
        Assert.Null(Parse(json));
    }

    [Fact]
    public void DeepNesting_IsABadAnswer_NotACrash()
    {
        Assert.Null(Parse("{\"text\":" + new string('[', 1000) + new string(']', 1000) + "}"));
    }

    [Fact]
    public void ThePushGoesOut_AsTheDocumentedJson()
    {
        var message = InboundParser.Parse(Encoding.UTF8.GetBytes("<xml><ToUserName>gh</ToUserName><FromUserName>oF</FromUserName><CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>订单 42</Content><MsgId>99</MsgId></xml>"));
        var json = Encoding.UTF8.GetString(BackendPush.From("acme", message).ToJson());
        Assert.Equal("""{"account":"acme","openId":"oF","msgType":"text","content":"订单 42","createTime":1700000000,"msgId":"99"}""", json);

        var scan = InboundParser.Parse(Encoding.UTF8.GetBytes("<xml><ToUserName>gh</ToUserName><FromUserName>oF</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>subscribe</Event><EventKey>qrscene_poster</EventKey></xml>"));
        Assert.Equal("""{"account":"acme","openId":"oF","msgType":"event","event":"subscribe","eventKey":"qrscene_poster","scene":"poster","createTime":1}""", Encoding.UTF8.GetString(BackendPush.From("acme", scan).ToJson()));
    }

    private static IReadOnlyList<Reply>? Parse(string json) => BackendAnswer.Parse(Encoding.UTF8.GetBytes(json));
}
