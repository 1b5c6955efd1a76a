using System.Globalization;
using System.Text;
using BrandBot.Protocol.Replies;

namespace BrandBot.Protocol.Simulation;

/// <summary>Push XML for the common cases, shaped like docs/protocol.md §3.</summary>
public static class SampleMessages
{
    public static string Text(string to, string from, long createTime, string content, long msgId) =>
        Build(to, from, createTime, "text", ("Content", content), ("MsgId", msgId.ToString(CultureInfo.InvariantCulture)));

    public static string Event(string to, string from, long createTime, string @event, string? eventKey = null) =>
        eventKey is null
            ? Build(to, from, createTime, "event", ("Event", @event))
            : Build(to, from, createTime, "event", ("Event", @event), ("EventKey", eventKey));

    /// <summary>
    /// An event as an operator names it on the command line: <c>scan</c> and <c>click</c> get WeChat's
    /// upper-case spelling, and a subscribe with a key becomes a follow through that QR scene.
    /// </summary>
    public static string OperatorEvent(string to, string from, long createTime, string @event, string? key) =>
        @event.ToLowerInvariant() switch
        {
            "scan" => Event(to, from, createTime, "SCAN", key ?? ""),
            "click" => Event(to, from, createTime, "CLICK", key ?? ""),
            "subscribe" => Event(to, from, createTime, "subscribe", key is null ? "" : Protocol.Inbound.SubscribeEvent.ScenePrefix + key),
            _ => Event(to, from, createTime, @event, key),
        };

    public static string Build(string to, string from, long createTime, string msgType, params (string Name, string Value)[] fields)
    {
        var xml = new StringBuilder("<xml><ToUserName>");
        XmlText.AppendCdata(xml, to);
        xml.Append("</ToUserName><FromUserName>");
        XmlText.AppendCdata(xml, from);
        xml.Append("</FromUserName><CreateTime>").Append(createTime.ToString(CultureInfo.InvariantCulture)).Append("</CreateTime><MsgType>");
        XmlText.AppendCdata(xml, msgType);
        xml.Append("</MsgType>");
        foreach (var (name, value) in fields)
        {
            xml.Append('<').Append(name).Append('>');
            XmlText.AppendCdata(xml, value);
            xml.Append("</").Append(name).Append('>');
        }

        return xml.Append("</xml>").ToString();
    }
}
