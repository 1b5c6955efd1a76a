using BrandBot.Protocol.Inbound;
using BrandBot.WeChatApi;

namespace BrandBot.Delivery.Backend;

/// <summary>What a brand backend receives: the push as JSON (docs/rules-file.md).</summary>
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

    /// <summary>The flow this call belongs to (docs/flows.md), sent as <c>"flow": {name, instance, step, slots}</c>.</summary>
    public FlowCall? Flow { get; init; }

    public byte[] ToJson()
    {
        var json = new RawJsonWriter().BeginObject()
            .String("account", Account).String("openId", OpenId).String("msgType", MsgType)
            .String("content", Content).String("event", Event).String("eventKey", EventKey).String("scene", Scene)
            .Number("createTime", CreateTime).String("msgId", MsgId);
        if (Flow is { } flow)
        {
            json.BeginObject("flow").String("name", flow.Name).String("instance", flow.Instance).String("step", flow.Step).BeginObject("slots");
            foreach (var (name, value) in flow.Slots.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                json.String(name, value);
            }

            json.EndObject().EndObject();
        }

        return json.EndObject().ToUtf8();
    }
}

/// <summary>A flow's backend call: which flow instance and step, the slots collected; <see cref="IdempotencyKey"/> is the same for every try.</summary>
public sealed record FlowCall(string Name, string Instance, string Step, IReadOnlyDictionary<string, string> Slots)
{
    public string IdempotencyKey => $"{Instance}:{Step}";
}
