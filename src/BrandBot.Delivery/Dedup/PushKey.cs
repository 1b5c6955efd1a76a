using System.Security.Cryptography;
using System.Text;
using BrandBot.Protocol.Inbound;

namespace BrandBot.Delivery.Dedup;

/// <summary>
/// What stays the same when WeChat re-sends a push (docs/protocol.md §5, docs/peers.md §3.2): the follower
/// plus MsgId for messages; the follower plus CreateTime, Event and EventKey for events (plus MsgID
/// for job-finished events, which arrive in bulk with equal timestamps).
/// </summary>
public static class PushKey
{
    /// <summary>The identity in clear text; it contains the OpenID, so only its <see cref="Hash"/> is ever stored.</summary>
    public static string IdentityOf(InboundMessage message) => message switch
    {
        UserMessage user => $"m\n{message.FromUserName}\n{user.MsgId}",
        JobFinishedEvent job => $"e\n{message.FromUserName}\n{message.CreateTime}\n{job.Event}\n{job.EventKey}\n{job.MsgID}",
        EventMessage @event => $"e\n{message.FromUserName}\n{message.CreateTime}\n{@event.Event}\n{@event.EventKey}",
        _ => $"u\n{message.FromUserName}\n{message.CreateTime}\n{message.MsgType}\n{message.Fields["MsgId"] ?? message.Fields["MsgID"]}",
    };

    /// <summary>The stored form: 40 hex digits of SHA-256, the same on every instance.</summary>
    public static string Of(InboundMessage message) => Hash(IdentityOf(message));

    /// <summary>The follower's stored form for rate windows: the same on every instance, not the OpenID.</summary>
    public static string Follower(InboundMessage message) => Hash("f\n" + message.FromUserName);

    /// <summary>A uniformly spread number drawn from a stored push key (its first 16 hex digits): the push's own "dice roll".</summary>
    public static ulong Choice(string pushKey) => ulong.Parse(pushKey.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture);

    public static string Hash(string identity)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity), digest);
        return Convert.ToHexStringLower(digest[..20]);
    }
}
