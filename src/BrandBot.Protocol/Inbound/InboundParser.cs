using BrandBot.Protocol.Xml;

namespace BrandBot.Protocol.Inbound;

/// <summary>Turns push XML into a typed <see cref="InboundMessage"/> (docs/protocol.md §3).</summary>
public static class InboundParser
{
    /// <exception cref="InboundXmlException">The XML itself is unacceptable. Unknown types are not errors.</exception>
    public static InboundMessage Parse(ReadOnlyMemory<byte> xml) => Parse(xml.Span);

    /// <inheritdoc cref="Parse(ReadOnlyMemory{byte})"/>
    public static InboundMessage Parse(ReadOnlySpan<byte> xml) => FromFields(PushXmlReader.Read(xml));

    public static InboundMessage FromFields(PushFields fields)
    {
        InboundMessage message = (fields["MsgType"] ?? "").ToLowerInvariant() switch
        {
            "text" => new TextMessage(),
            "image" => new ImageMessage(),
            "voice" => new VoiceMessage(),
            "video" or "shortvideo" => new VideoMessage(),
            "location" => new LocationMessage(),
            "link" => new LinkMessage(),
            "event" => CreateEvent(fields["Event"] ?? ""),
            _ => new UnknownMessage(),
        };
        message.Attach(fields);
        return message;
    }

    // docs/protocol.md §3.3: Event values mix cases (subscribe, SCAN, scancode_push); dispatch ignores case.
    private static EventMessage CreateEvent(string name) => name.ToLowerInvariant() switch
    {
        "subscribe" => new SubscribeEvent(),
        "unsubscribe" => new UnsubscribeEvent(),
        "scan" => new ScanEvent(),
        "location" => new LocationEvent(),
        "click" => new ClickEvent(),
        "view" => new ViewEvent(),
        "scancode_push" or "scancode_waitmsg" => new ScanCodeEvent(),
        "pic_sysphoto" or "pic_photo_or_album" or "pic_weixin" => new PicEvent(),
        "location_select" => new LocationSelectEvent(),
        "view_miniprogram" => new ViewMiniProgramEvent(),
        "templatesendjobfinish" or "masssendjobfinish" => new JobFinishedEvent(),
        _ => new UnknownEvent(),
    };
}
