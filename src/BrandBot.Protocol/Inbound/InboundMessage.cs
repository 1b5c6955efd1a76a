using BrandBot.Protocol.Xml;

namespace BrandBot.Protocol.Inbound;

/// <summary>
/// A push from WeChat, typed by MsgType and Event (docs/protocol.md §3). Every push keeps its raw
/// <see cref="Fields"/>; anything we do not know becomes <see cref="UnknownMessage"/> or
/// <see cref="UnknownEvent"/>, never an exception.
/// </summary>
public abstract class InboundMessage
{
    /// <summary>The account's original id (<c>gh_…</c>).</summary>
    public string ToUserName { get; private set; } = "";

    /// <summary>The follower's OpenID.</summary>
    public string FromUserName { get; private set; } = "";

    /// <summary>Unix seconds.</summary>
    public long CreateTime { get; private set; }

    public string MsgType { get; private set; } = "";

    public PushFields Fields { get; private set; } = new();

    internal void Attach(PushFields fields)
    {
        Fields = fields;
        ToUserName = fields["ToUserName"] ?? "";
        FromUserName = fields["FromUserName"] ?? "";
        CreateTime = Numbers.Long(fields["CreateTime"]);
        MsgType = fields["MsgType"] ?? "";
    }

    /// <summary>True for a follower's own message (text, image, …), false for events.</summary>
    public abstract bool IsUserMessage { get; }
}

/// <summary>An ordinary follower message; all carry a MsgId (docs/protocol.md §3.2).</summary>
public abstract class UserMessage : InboundMessage
{
    /// <summary>
    /// The raw MsgId text; a 64-bit integer in practice, kept as text for dedup keys.
    /// docs/protocol.md §3.2: the legacy voice doc spells it MsgID, so both are accepted.
    /// </summary>
    public string MsgId => Fields["MsgId"] ?? Fields["MsgID"] ?? "";

    public string? MsgDataId => Fields["MsgDataId"];

    public string? Idx => Fields["Idx"];

    public sealed override bool IsUserMessage => true;
}

/// <summary>A push with <c>MsgType=event</c>.</summary>
public abstract class EventMessage : InboundMessage
{
    /// <summary>The Event value as sent (its case varies by event; dispatch is case-insensitive).</summary>
    public string Event => Fields["Event"] ?? "";

    public string EventKey => Fields["EventKey"] ?? "";

    public sealed override bool IsUserMessage => false;
}

/// <summary>A MsgType we do not model; answered with <c>success</c>.</summary>
public sealed class UnknownMessage : InboundMessage
{
    public override bool IsUserMessage => false;
}
