using System.Buffers;
using System.Buffers.Text;
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
    /// <summary>The bytes of the stored form: the first 20 bytes of the SHA-256 of the identity.</summary>
    public const int DigestLength = 20;

    /// <summary>The identity in clear text; it contains the OpenID, so only its <see cref="Hash"/> is ever stored.</summary>
    public static string IdentityOf(InboundMessage message) => message switch
    {
        UserMessage user => $"m\n{message.FromUserName}\n{user.MsgId}",
        JobFinishedEvent job => $"e\n{message.FromUserName}\n{message.CreateTime}\n{job.Event}\n{job.EventKey}\n{job.MsgID}",
        EventMessage @event => $"e\n{message.FromUserName}\n{message.CreateTime}\n{@event.Event}\n{@event.EventKey}",
        _ => $"u\n{message.FromUserName}\n{message.CreateTime}\n{message.MsgType}\n{message.Fields["MsgId"] ?? message.Fields["MsgID"]}",
    };

    /// <summary>The stored form: 40 hex digits of SHA-256, the same on every instance.</summary>
    public static string Of(InboundMessage message)
    {
        Span<byte> digest = stackalloc byte[DigestLength];
        Digest(message, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// The stored form's bytes (what <see cref="Of"/> writes as hex), hashed piece by piece: the same
    /// bytes as <see cref="Hash"/>(<see cref="IdentityOf"/>), without the identity string.
    /// </summary>
    public static void Digest(InboundMessage message, Span<byte> digest)
    {
        var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        switch (message)
        {
            case UserMessage user:
                Append(sha, "m\n"u8, message.FromUserName, "\n"u8);
                Append(sha, user.MsgId);
                break;
            case JobFinishedEvent job:
                EventPrefix(sha, message, job);
                Append(sha, "\n"u8);
                Append(sha, job.MsgID);
                break;
            case EventMessage @event:
                EventPrefix(sha, message, @event);
                break;
            default:
                Append(sha, "u\n"u8, message.FromUserName, "\n"u8);
                Append(sha, message.CreateTime);
                Append(sha, "\n"u8, message.MsgType, "\n"u8);
                Append(sha, message.Fields["MsgId"] ?? message.Fields["MsgID"] ?? "");
                break;
        }

        Span<byte> full = stackalloc byte[SHA256.HashSizeInBytes];
        sha.GetHashAndReset(full);
        full[..DigestLength].CopyTo(digest);
    }

    /// <summary>The follower's stored form for rate windows: the same on every instance, not the OpenID.</summary>
    public static string Follower(InboundMessage message) => Hash("f\n" + message.FromUserName);

    /// <summary>A uniformly spread number drawn from a stored push key (its first 16 hex digits): the push's own "dice roll".</summary>
    public static ulong Choice(string pushKey) => ulong.Parse(pushKey.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture);

    public static string Hash(string identity)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(identity), digest);
        return Convert.ToHexStringLower(digest[..DigestLength]);
    }

    // One SHA-256 context per thread, reset after each use: the one-shot form sets OpenSSL's digest up on every call.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private static void EventPrefix(IncrementalHash sha, InboundMessage message, EventMessage @event)
    {
        Append(sha, "e\n"u8, message.FromUserName, "\n"u8);
        Append(sha, message.CreateTime);
        Append(sha, "\n"u8, @event.Event, "\n"u8);
        Append(sha, @event.EventKey);
    }

    private static void Append(IncrementalHash sha, ReadOnlySpan<byte> before, string text, ReadOnlySpan<byte> after)
    {
        sha.AppendData(before);
        Append(sha, text);
        sha.AppendData(after);
    }

    private static void Append(IncrementalHash sha, ReadOnlySpan<byte> bytes) => sha.AppendData(bytes);

    private static void Append(IncrementalHash sha, long number)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(number, digits, out var written);
        sha.AppendData(digits[..written]);
    }

    private static void Append(IncrementalHash sha, string text)
    {
        const int StackBytes = 256;
        byte[]? rented = null;
        var buffer = text.Length * 3 <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length)));
        try
        {
            sha.AppendData(buffer[..Encoding.UTF8.GetBytes(text, buffer)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
