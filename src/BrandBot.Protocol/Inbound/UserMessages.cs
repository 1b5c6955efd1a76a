namespace BrandBot.Protocol.Inbound;

// docs/protocol.md §3.2: the seven ordinary message types.

public sealed class TextMessage : UserMessage
{
    public string Content => Fields["Content"] ?? "";

    /// <summary>Set when the text is a tap on a customer-service "menu message" option.</summary>
    public string? BizMsgMenuId => Fields["bizmsgmenuid"];
}

public sealed class ImageMessage : UserMessage
{
    public string PicUrl => Fields["PicUrl"] ?? "";

    public string MediaId => Fields["MediaId"] ?? "";
}

public sealed class VoiceMessage : UserMessage
{
    public string MediaId => Fields["MediaId"] ?? "";

    public string Format => Fields["Format"] ?? "";

    /// <summary>Speech-to-text, present only when recognition is enabled for the account.</summary>
    public string? Recognition => Fields["Recognition"];
}

/// <summary>Both <c>video</c> and <c>shortvideo</c>: the same shape.</summary>
public sealed class VideoMessage : UserMessage
{
    public string MediaId => Fields["MediaId"] ?? "";

    public string ThumbMediaId => Fields["ThumbMediaId"] ?? "";

    public bool IsShortVideo => MsgType == "shortvideo";
}

public sealed class LocationMessage : UserMessage
{
    /// <summary>Location_X is the latitude.</summary>
    public double? Latitude => Numbers.Double(Fields["Location_X"]);

    /// <summary>Location_Y is the longitude.</summary>
    public double? Longitude => Numbers.Double(Fields["Location_Y"]);

    public int? Scale => Numbers.Int(Fields["Scale"]);

    public string Label => Fields["Label"] ?? "";
}

public sealed class LinkMessage : UserMessage
{
    public string Title => Fields["Title"] ?? "";

    public string Description => Fields["Description"] ?? "";

    public string Url => Fields["Url"] ?? "";
}
