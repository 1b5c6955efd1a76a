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

    /// <summary>The stored form: 40 hex digits of SHA-256, the same on every instance.</summary>
    public static string Of(InboundMessage message)
    {
        Span<byte> digest = stackalloc byte[DigestLength];
        Digest(message, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// The stored form's bytes (what <see cref="Of"/> writes as hex): the first <see cref="DigestLength"/> bytes
    /// of the SHA-256 of the identity's UTF-8, its pieces written straight into a buffer, no string made.
    /// </summary>
    private static void Digest(InboundMessage message, Span<byte> digest)
    {
        // The identity's pieces laid end to end, then one call into OpenSSL for the data and one for the
        // digest: each call clears OpenSSL's error queue, which costs more than hashing the few bytes.
        var identity = new IdentityWriter(stackalloc byte[512]);
        WriteIdentity(message, ref identity);
        byte[]? rented = null;
        try
        {
            if (identity.Overflowed)
            {
                // A very long EventKey (or a forged OpenID): written again into a buffer of the size measured.
                rented = ArrayPool<byte>.Shared.Rent(identity.Needed);
                identity = new IdentityWriter(rented);
                WriteIdentity(message, ref identity);
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
    public static string Follower(InboundMessage message) => Follower(message.FromUserName);

    /// <summary>The same stored form for a follower named by OpenID (outbound windows and grants).</summary>
    public static string Follower(string openId) => Hash("f\n" + openId);

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

    /// <summary>
    /// What stays the same when a push is re-sent, as lines: a kind, then the fields that identify the push.
    /// Stored keys are hashes of exactly these bytes, so the layout never changes.
    /// </summary>
    private static void WriteIdentity(InboundMessage message, ref IdentityWriter identity)
    {
        switch (message)
        {
            case UserMessage user:
                identity.Kind("m"u8);
                identity.Field(message.FromUserName);
                identity.Field(user.MsgId);
                break;
            case EventMessage @event:
                identity.Kind("e"u8);
                identity.Field(message.FromUserName);
                identity.Field(message.CreateTime);
                identity.Field(@event.Event);
                identity.Field(@event.EventKey);
                if (@event is JobFinishedEvent job)
                {
                    identity.Field(job.MsgID);
                }

                break;
            default:
                identity.Kind("u"u8);
                identity.Field(message.FromUserName);
                identity.Field(message.CreateTime);
                identity.Field(message.MsgType);
                identity.Field(message.Fields["MsgId"] ?? message.Fields["MsgID"] ?? "");
                break;
        }
    }

    /// <summary>
    /// Writes the identity's lines as UTF-8 into a buffer. When they do not fit it stops writing and only
    /// measures, so the caller can retry with <see cref="Needed"/> bytes.
    /// </summary>
    private ref struct IdentityWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _at;
        private int _needed;

        public readonly bool Overflowed => _needed > _at;

        public readonly int Needed => _needed;

        public readonly ReadOnlySpan<byte> Written => _buffer[.._at];

        private readonly Span<byte> Free => Overflowed ? default : _buffer[_at..];

        public void Kind(scoped ReadOnlySpan<byte> tag)
        {
            if (tag.TryCopyTo(Free))
            {
                _at += tag.Length;
            }

            _needed += tag.Length;
        }

        public void Field(string text)
        {
            Kind("\n"u8);
            if (Encoding.UTF8.TryGetBytes(text, Free, out var written))
            {
                _at += written;
                _needed += written;
            }
            else
            {
                _needed += Encoding.UTF8.GetByteCount(text);
            }
        }

        public void Field(long number)
        {
            Kind("\n"u8);
            if (Utf8Formatter.TryFormat(number, Free, out var written))
            {
                _at += written;
                _needed += written;
            }
            else
            {
                _needed += 20;
            }
        }
    }
}
