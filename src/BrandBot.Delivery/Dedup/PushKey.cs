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
        // The identity's pieces laid end to end, then one call into OpenSSL for the data and one for the
        // digest: each call clears OpenSSL's error queue, which costs more than hashing the few bytes.
        var longest = message switch
        {
            UserMessage user => Max(message.FromUserName) + Max(user.MsgId),
            JobFinishedEvent job => Max(message.FromUserName) + Max(job.Event) + Max(job.EventKey) + Max(job.MsgID),
            EventMessage @event => Max(message.FromUserName) + Max(@event.Event) + Max(@event.EventKey),
            _ => Max(message.FromUserName) + Max(message.MsgType) + Max(message.Fields["MsgId"] ?? message.Fields["MsgID"] ?? ""),
        } + 64;
        byte[]? rented = null;
        var buffer = longest <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(longest));
        try
        {
            var identity = new IdentityWriter(buffer);
            switch (message)
            {
                case UserMessage user:
                    identity.Append("m\n"u8);
                    identity.Append(message.FromUserName);
                    identity.Append("\n"u8);
                    identity.Append(user.MsgId);
                    break;
                case JobFinishedEvent job:
                    identity.Append("e\n"u8);
                    identity.Append(message.FromUserName);
                    identity.Append("\n"u8);
                    identity.Append(message.CreateTime);
                    identity.Append("\n"u8);
                    identity.Append(job.Event);
                    identity.Append("\n"u8);
                    identity.Append(job.EventKey);
                    identity.Append("\n"u8);
                    identity.Append(job.MsgID);
                    break;
                case EventMessage @event:
                    identity.Append("e\n"u8);
                    identity.Append(message.FromUserName);
                    identity.Append("\n"u8);
                    identity.Append(message.CreateTime);
                    identity.Append("\n"u8);
                    identity.Append(@event.Event);
                    identity.Append("\n"u8);
                    identity.Append(@event.EventKey);
                    break;
                default:
                    identity.Append("u\n"u8);
                    identity.Append(message.FromUserName);
                    identity.Append("\n"u8);
                    identity.Append(message.CreateTime);
                    identity.Append("\n"u8);
                    identity.Append(message.MsgType);
                    identity.Append("\n"u8);
                    identity.Append(message.Fields["MsgId"] ?? message.Fields["MsgID"] ?? "");
                    break;
            }

            var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(identity.Written);
            Span<byte> full = stackalloc byte[SHA256.HashSizeInBytes];
            sha.GetHashAndReset(full);
            full[..DigestLength].CopyTo(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
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

    private static int Max(string text) => Encoding.UTF8.GetMaxByteCount(text.Length);

    /// <summary>Appends UTF-8 pieces and decimal numbers to a buffer sized for them.</summary>
    private ref struct IdentityWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _at;

        public readonly ReadOnlySpan<byte> Written => _buffer[.._at];

        public void Append(scoped ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[_at..]);
            _at += bytes.Length;
        }

        public void Append(string text)
        {
            _at += Encoding.UTF8.GetBytes(text, _buffer[_at..]);
        }

        public void Append(long number)
        {
            Utf8Formatter.TryFormat(number, _buffer[_at..], out var written);
            _at += written;
        }
    }
}
