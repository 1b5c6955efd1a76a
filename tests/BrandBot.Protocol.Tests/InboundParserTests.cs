using System.Text;
using BrandBot.Protocol.Inbound;

namespace BrandBot.Protocol.Tests;

public class InboundParserTests
{
    private const string Header = "<ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName><CreateTime>1714112445</CreateTime>";

    [Fact]
    public void Parse_Text_HasHeaderContentAndMsgId()
    {
        var m = Assert.IsType<TextMessage>(Parse("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[营业时间 😀]]></Content><MsgId>4363689963896700987</MsgId>"));
        Assert.Equal("gh_97417a04a28d", m.ToUserName);
        Assert.Equal("o9AgO5Kd5ggOC-bXrbNODIiE3bGY", m.FromUserName);
        Assert.Equal(1714112445, m.CreateTime);
        Assert.Equal("营业时间 😀", m.Content);
        Assert.Equal("4363689963896700987", m.MsgId);
        Assert.True(m.IsUserMessage);
    }

    [Fact]
    public void Parse_VoiceWithMsgIDSpelling_ReadsRecognitionAndId()
    {
        var m = Assert.IsType<VoiceMessage>(Parse("<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition>营业时间</Recognition><MsgID>42</MsgID>"));
        Assert.Equal("营业时间", m.Recognition);
        Assert.Equal("amr", m.Format);
        Assert.Equal("42", m.MsgId);
    }

    [Theory]
    [InlineData("image", typeof(ImageMessage))]
    [InlineData("video", typeof(VideoMessage))]
    [InlineData("shortvideo", typeof(VideoMessage))]
    [InlineData("location", typeof(LocationMessage))]
    [InlineData("link", typeof(LinkMessage))]
    [InlineData("miniprogrampage", typeof(UnknownMessage))]
    [InlineData("", typeof(UnknownMessage))]
    public void Parse_MsgType_GivesType(string msgType, Type expected)
    {
        Assert.IsType(expected, Parse($"<MsgType>{msgType}</MsgType><MsgId>1</MsgId>"));
    }

    [Fact]
    public void Parse_Location_ReadsInvariantDecimals()
    {
        var m = Assert.IsType<LocationMessage>(Parse("<MsgType>location</MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label>位置</Label><MsgId>1</MsgId>"));
        Assert.Equal(23.134521, m.Latitude);
        Assert.Equal(113.358803, m.Longitude);
        Assert.Equal(20, m.Scale);
    }

    [Fact]
    public void Parse_LocationWithJunkNumbers_GivesNullNotException()
    {
        var m = Assert.IsType<LocationMessage>(Parse("<MsgType>location</MsgType><Location_X>north</Location_X><MsgId>1</MsgId>"));
        Assert.Null(m.Latitude);
    }

    [Theory]
    [InlineData("subscribe", typeof(SubscribeEvent))]
    [InlineData("unsubscribe", typeof(UnsubscribeEvent))]
    [InlineData("SCAN", typeof(ScanEvent))]
    [InlineData("scan", typeof(ScanEvent))]
    [InlineData("LOCATION", typeof(LocationEvent))]
    [InlineData("CLICK", typeof(ClickEvent))]
    [InlineData("click", typeof(ClickEvent))]
    [InlineData("VIEW", typeof(ViewEvent))]
    [InlineData("scancode_push", typeof(ScanCodeEvent))]
    [InlineData("scancode_waitmsg", typeof(ScanCodeEvent))]
    [InlineData("pic_sysphoto", typeof(PicEvent))]
    [InlineData("pic_photo_or_album", typeof(PicEvent))]
    [InlineData("pic_weixin", typeof(PicEvent))]
    [InlineData("location_select", typeof(LocationSelectEvent))]
    [InlineData("view_miniprogram", typeof(ViewMiniProgramEvent))]
    [InlineData("TEMPLATESENDJOBFINISH", typeof(JobFinishedEvent))]
    [InlineData("MASSSENDJOBFINISH", typeof(JobFinishedEvent))]
    [InlineData("kf_create_session", typeof(UnknownEvent))]
    [InlineData("", typeof(UnknownEvent))]
    public void Parse_Event_GivesType(string name, Type expected)
    {
        var m = Parse($"<MsgType>event</MsgType><Event>{name}</Event>");
        Assert.IsType(expected, m);
        Assert.False(m.IsUserMessage);
    }

    [Fact]
    public void Parse_SubscribeThroughQrCode_StripsScenePrefix()
    {
        var m = Assert.IsType<SubscribeEvent>(Parse("<MsgType>event</MsgType><Event>subscribe</Event><EventKey>qrscene_poster-2026</EventKey><Ticket>TICKET</Ticket>"));
        Assert.Equal("poster-2026", m.Scene);
        Assert.Equal("TICKET", m.Ticket);
    }

    [Fact]
    public void Parse_PlainSubscribe_HasNoScene()
    {
        var m = Assert.IsType<SubscribeEvent>(Parse("<MsgType>event</MsgType><Event>subscribe</Event><EventKey></EventKey>"));
        Assert.Null(m.Scene);
    }

    [Fact]
    public void Parse_Scan_SceneIsEventKeyWithoutPrefix()
    {
        var m = Assert.IsType<ScanEvent>(Parse("<MsgType>event</MsgType><Event>SCAN</Event><EventKey>poster-2026</EventKey><Ticket>T</Ticket>"));
        Assert.Equal("poster-2026", m.Scene);
    }

    [Fact]
    public void Parse_ScanCodeWaitMsg_ReadsNestedInfo()
    {
        var m = Assert.IsType<ScanCodeEvent>(Parse("<MsgType>event</MsgType><Event>scancode_waitmsg</Event><EventKey>k</EventKey><ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>r</ScanResult></ScanCodeInfo>"));
        Assert.Equal("qrcode", m.ScanType);
        Assert.Equal("r", m.ScanResult);
        Assert.True(m.WaitsForReply);
    }

    [Fact]
    public void Parse_PicEvent_ReadsEveryPicture()
    {
        var m = Assert.IsType<PicEvent>(Parse("<MsgType>event</MsgType><Event>pic_weixin</Event><EventKey>k</EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item><item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo>"));
        Assert.Equal(2, m.Count);
        Assert.Equal(["a", "b"], m.PicMd5Sums);
    }

    [Fact]
    public void Parse_JobFinished_ReadsCapitalDMsgID()
    {
        var m = Assert.IsType<JobFinishedEvent>(Parse("<MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event><MsgID>1000001625</MsgID><Status>err(30003)</Status><TotalCount>100</TotalCount><SentCount>75</SentCount>"));
        Assert.Equal("1000001625", m.MsgID);
        Assert.Equal("err(30003)", m.Status);
        Assert.True(m.IsMassSend);
        Assert.Equal(75, m.SentCount);
    }

    [Fact]
    public void Parse_LocationSelectAndViewAndLocationEvent_ReadFields()
    {
        var select = Assert.IsType<LocationSelectEvent>(Parse("<MsgType>event</MsgType><Event>location_select</Event><SendLocationInfo><Location_X>23</Location_X><Location_Y>113</Location_Y><Scale>15</Scale><Label>L</Label><Poiname></Poiname></SendLocationInfo>"));
        Assert.Equal(23, select.Latitude);
        Assert.Equal("L", select.Label);
        var view = Assert.IsType<ViewEvent>(Parse("<MsgType>event</MsgType><Event>VIEW</Event><EventKey>https://example.com</EventKey><MenuId>7</MenuId>"));
        Assert.Equal("https://example.com", view.Url);
        Assert.Equal("7", view.MenuId);
        var location = Assert.IsType<LocationEvent>(Parse("<MsgType>event</MsgType><Event>LOCATION</Event><Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>"));
        Assert.Equal(113.352425, location.Longitude);
    }

    [Fact]
    public void Parse_OfficialXmlVectorMessage_IsAnUnknownEventNotAnError()
    {
        var v = OfficialVectors.Envelope("7.4-xml");
        var m = Assert.IsType<UnknownEvent>(InboundParser.Parse(Encoding.UTF8.GetBytes(v.Message)));
        Assert.Equal("debug_demo", m.Event);
        Assert.Equal("hello world", m.Fields["debug_str"]);
    }

    private static Protocol.Inbound.InboundMessage Parse(string body) =>
        InboundParser.Parse(Encoding.UTF8.GetBytes("<xml>" + Header + body + "</xml>"));
}
