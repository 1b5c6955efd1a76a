using BrandBot.Delivery.WeChatApi;
using BrandBot.Protocol.Inbound;

namespace BrandBot.Delivery.Backend;

/// <summary>What a brand backend receives: the push as JSON (README "Backend replies").</summary>
public sealed record BackendPush(
    string Account, string OpenId, string MsgType, string? Content, string? Event, string? EventKey, string? Scene, long CreateTime, string? MsgId)
{
    public static BackendPush From(string account, InboundMessage message) => new(
        account,
        message.FromUserName,
        message.MsgType,
        (message as TextMessage)?.Content,
        (message as EventMessage)?.Event,
        (message as EventMessage)?.EventKey,
        message switch
        {
            SubscribeEvent follow => follow.Scene,
            ScanEvent scan => scan.Scene,
            _ => null,
        },
        message.CreateTime,
        (message as UserMessage)?.MsgId);

    public byte[] ToJson() => new RawJsonWriter().BeginObject()
        .String("account", Account).String("openId", OpenId).String("msgType", MsgType)
        .String("content", Content).String("event", Event).String("eventKey", EventKey).String("scene", Scene)
        .Number("createTime", CreateTime).String("msgId", MsgId)
        .EndObject().ToUtf8();
}
