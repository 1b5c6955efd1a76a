namespace BrandBot.Protocol.Inbound;

// docs/protocol.md §3.3: the events BrandBot understands. Each exposes what routing and statistics need;
// everything else stays reachable through Fields.

/// <summary>A follow. Through a parametric QR code the EventKey is <c>qrscene_</c> + scene.</summary>
public sealed class SubscribeEvent : EventMessage
{
    public const string ScenePrefix = "qrscene_";

    /// <summary>The QR scene without its prefix, or null for a plain follow.</summary>
    public string? Scene => EventKey.StartsWith(ScenePrefix, StringComparison.Ordinal) ? EventKey[ScenePrefix.Length..] : null;

    public string? Ticket => Fields["Ticket"];
}

public sealed class UnsubscribeEvent : EventMessage;

/// <summary>An existing follower scanned a parametric QR code; EventKey is the scene itself.</summary>
public sealed class ScanEvent : EventMessage
{
    public string Scene => EventKey;

    public string? Ticket => Fields["Ticket"];
}

/// <summary>The automatic location report.</summary>
public sealed class LocationEvent : EventMessage
{
    public double? Latitude => Numbers.Double(Fields["Latitude"]);

    public double? Longitude => Numbers.Double(Fields["Longitude"]);

    public double? Precision => Numbers.Double(Fields["Precision"]);
}

/// <summary>A tap on a click-type menu button.</summary>
public sealed class ClickEvent : EventMessage
{
    public string Key => EventKey;
}

/// <summary>A tap on a link-type menu button; EventKey is the URL.</summary>
public sealed class ViewEvent : EventMessage
{
    public string Url => EventKey;

    public string? MenuId => Fields["MenuId"];
}

/// <summary><c>scancode_push</c> and <c>scancode_waitmsg</c>.</summary>
public sealed class ScanCodeEvent : EventMessage
{
    public string ScanType => Fields["ScanCodeInfo/ScanType"] ?? "";

    public string ScanResult => Fields["ScanCodeInfo/ScanResult"] ?? "";

    /// <summary>The client shows "receiving" and waits for our reply.</summary>
    public bool WaitsForReply => Event.Equals("scancode_waitmsg", StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>pic_sysphoto</c>, <c>pic_photo_or_album</c> and <c>pic_weixin</c>.</summary>
public sealed class PicEvent : EventMessage
{
    public int? Count => Numbers.Int(Fields["SendPicsInfo/Count"]);

    public IReadOnlyList<string> PicMd5Sums => [.. Fields.AllAt("SendPicsInfo/PicList/item/PicMd5Sum")];
}

public sealed class LocationSelectEvent : EventMessage
{
    public double? Latitude => Numbers.Double(Fields["SendLocationInfo/Location_X"]);

    public double? Longitude => Numbers.Double(Fields["SendLocationInfo/Location_Y"]);

    public int? Scale => Numbers.Int(Fields["SendLocationInfo/Scale"]);

    public string Label => Fields["SendLocationInfo/Label"] ?? "";

    public string Poiname => Fields["SendLocationInfo/Poiname"] ?? "";
}

public sealed class ViewMiniProgramEvent : EventMessage
{
    public string PagePath => EventKey;

    public string? MenuId => Fields["MenuId"];
}

/// <summary>
/// <c>TEMPLATESENDJOBFINISH</c> and <c>MASSSENDJOBFINISH</c>. They carry <c>MsgID</c> with a capital D,
/// a different element from a message's <c>MsgId</c> (docs/peers.md §3.2: WeiXinMPSDK#2605).
/// </summary>
public sealed class JobFinishedEvent : EventMessage
{
    public string MsgID => Fields["MsgID"] ?? "";

    public string Status => Fields["Status"] ?? "";

    public bool IsMassSend => Event.Equals("MASSSENDJOBFINISH", StringComparison.OrdinalIgnoreCase);

    public int? TotalCount => Numbers.Int(Fields["TotalCount"]);

    public int? FilterCount => Numbers.Int(Fields["FilterCount"]);

    public int? SentCount => Numbers.Int(Fields["SentCount"]);

    public int? ErrorCount => Numbers.Int(Fields["ErrorCount"]);
}

/// <summary>Any other event: answered with <c>success</c>.</summary>
public sealed class UnknownEvent : EventMessage;
