using System.Text;
using BrandBot.Protocol.Xml;

namespace BrandBot.Protocol.Tests;

public class PushXmlReaderTests
{
    [Fact]
    public void Read_CdataAndPlainText_AreEquivalent()
    {
        var cdata = Read("<xml><Content><![CDATA[a < b & c]]></Content></xml>");
        var plain = Read("<xml><Content>a &lt; b &amp; c</Content></xml>");
        Assert.Equal("a < b & c", cdata["Content"]);
        Assert.Equal(cdata["Content"], plain["Content"]);
    }

    [Fact]
    public void Read_NestedAndRepeatedElements_KeepPathsAndOrder()
    {
        var fields = Read("<xml><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item><item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo></xml>");
        Assert.Equal("2", fields["SendPicsInfo/Count"]);
        Assert.Equal(["a", "b"], fields.AllAt("SendPicsInfo/PicList/item/PicMd5Sum"));
    }

    [Fact]
    public void Read_UnknownElementsAndWhitespace_AreKeptTrimmed()
    {
        var fields = Read("<xml>\n  <Brand_New_Field>  x  </Brand_New_Field>\n  <Empty/>\n</xml>");
        Assert.Equal("x", fields["Brand_New_Field"]);
        Assert.Equal("", fields["Empty"]);
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><Content>&xxe;</Content></xml>")]
    [InlineData("<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><xml><Content>&lol2;</Content></xml>")]
    [InlineData("<!DOCTYPE xml SYSTEM \"http://127.0.0.1:1/evil.dtd\"><xml/>")]
    public void Read_Dtd_IsRejected(string xml)
    {
        var ex = Assert.Throws<InboundXmlException>(() => Read(xml));
        Assert.Equal("DTD is prohibited", ex.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml")]
    [InlineData("<xml><Content>unclosed</xml>")]
    [InlineData("<xml></xml><xml></xml>")]
    [InlineData("<xml><Content>&undefined;</Content></xml>")]
    public void Read_Malformed_ThrowsInboundXmlException(string xml)
    {
        Assert.Throws<InboundXmlException>(() => Read(xml));
    }

    [Fact]
    public void Read_TooDeep_IsRejected()
    {
        var xml = "<xml>" + string.Concat(Enumerable.Repeat("<a>", 20)) + "x" + string.Concat(Enumerable.Repeat("</a>", 20)) + "</xml>";
        var ex = Assert.Throws<InboundXmlException>(() => Read(xml));
        Assert.Contains("deeper", ex.Reason);
    }

    [Fact]
    public void Read_TooManyElements_IsRejected()
    {
        var xml = "<xml>" + string.Concat(Enumerable.Repeat("<a>1</a>", 1000)) + "</xml>";
        var ex = Assert.Throws<InboundXmlException>(() => Read(xml));
        Assert.Contains("more than", ex.Reason);
    }

    private static PushFields Read(string xml) => PushXmlReader.Read(Encoding.UTF8.GetBytes(xml));
}
