using System.Text;
using BrandBot.Protocol.Inbound;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;
using Xunit;

namespace BrandBot.Testing;

public static class RuleTestData
{
    public static CompiledRuleSet Compile(string yaml)
    {
        var result = RulesFile.Parse(yaml);
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        return new CompiledRuleSet(result.Definition!);
    }

    public static InboundMessage Push(string msgType, params (string Name, string Value)[] fields)
    {
        var xml = new StringBuilder("<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>");
        xml.Append("<MsgType>").Append(msgType).Append("</MsgType>");
        foreach (var (name, value) in fields)
        {
            xml.Append('<').Append(name).Append("><![CDATA[").Append(value).Append("]]></").Append(name).Append('>');
        }

        return InboundParser.Parse(Encoding.UTF8.GetBytes(xml.Append("</xml>").ToString()));
    }

    public static InboundMessage Text(string content) => Push("text", ("Content", content), ("MsgId", "1"));

    public static InboundMessage Event(string name, string? key = null) =>
        key is null ? Push("event", ("Event", name)) : Push("event", ("Event", name), ("EventKey", key));
}
