namespace BrandBot.WeChatApi;

/// <summary>
/// The bodies of WeChat's mass-send calls (docs/broadcasts.md#wechats-rules-in-short). <paramref name="content"/>
/// arguments are the message's own object as JSON (<c>{"content":"…"}</c> for text,
/// <c>{"media_id":"…"}</c> for mpnews, <c>{"media_ids":[…]}</c> for images), written once when the
/// broadcast is prepared.
/// </summary>
public static class MassMessages
{
    /// <summary>message/mass/sendall: to every follower or to one tag.</summary>
    public static byte[] SendAll(int? tagId, string msgType, string content, string clientMsgId, bool sendIgnoreReprint) =>
        WithContent(msgType, content, new RawJsonWriter().BeginObject()
            .BeginObject("filter").Bool("is_to_all", tagId is null).Number("tag_id", tagId ?? 0).EndObject()
            .String("msgtype", msgType)
            .Number("send_ignore_reprint", sendIgnoreReprint ? 1 : 0)
            .String("clientmsgid", clientMsgId)
            .EndObject());

    /// <summary>message/mass/send: to a list of 2 to 10,000 OpenIDs.</summary>
    public static byte[] Send(IEnumerable<string> openIds, string msgType, string content, string clientMsgId, bool sendIgnoreReprint)
    {
        var body = new RawJsonWriter().BeginObject().BeginArray("touser");
        foreach (var openId in openIds)
        {
            body.String(null, openId);
        }

        return WithContent(msgType, content, body.EndArray().String("msgtype", msgType)
            .Number("send_ignore_reprint", sendIgnoreReprint ? 1 : 0).String("clientmsgid", clientMsgId).EndObject());
    }

    /// <summary>message/mass/preview: one tester, by OpenID or by WeChat ID (towxname); no clientmsgid exists for it.</summary>
    public static byte[] Preview(string? openId, string? wxName, string msgType, string content)
    {
        var body = new RawJsonWriter().BeginObject();
        body = wxName is not null ? body.String("towxname", wxName) : body.String("touser", openId);
        return WithContent(msgType, content, body.String("msgtype", msgType).EndObject());
    }

    /// <summary>message/mass/get: a job's status by its msg_id.</summary>
    public static byte[] Get(string msgId) => new RawJsonWriter().BeginObject().String("msg_id", msgId).EndObject().ToUtf8();

    /// <summary>Puts the prepared content object first in the written body: <c>{"KEY":content,…}</c>.</summary>
    private static byte[] WithContent(string msgType, string content, RawJsonWriter rest)
    {
        var tail = System.Text.Encoding.UTF8.GetString(rest.ToUtf8());
        return System.Text.Encoding.UTF8.GetBytes("{\"" + Key(msgType) + "\":" + content + "," + tail[1..]);
    }

    /// <summary>The body key of a message type; images use <c>images</c> (the current documentation's spelling).</summary>
    private static string Key(string msgType) => msgType == "image" ? "images" : msgType;
}
