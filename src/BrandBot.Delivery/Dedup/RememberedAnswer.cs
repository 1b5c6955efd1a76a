using System.Buffers.Binary;
using System.Text;
using BrandBot.Protocol.Replies;

namespace BrandBot.Delivery.Dedup;

/// <summary>
/// The answer given to the first attempt of a push, kept so a retry gets the same one. A reply is
/// kept without its To/From header (which holds the OpenID): its CreateTime and the prepared body
/// (MsgType and pre-rendered tail) are enough to write the same inner XML again.
/// </summary>
/// <param name="Body">The reply body; null for <c>success</c>.</param>
public sealed record RememberedAnswer(long CreateTime, ReplyBody? Body)
{
    private const byte NothingTag = (byte)'S';
    private const byte ReplyTag = (byte)'R';

    public RememberedAnswer(long createTime, string msgType, ReadOnlyMemory<byte> tail)
        : this(createTime, ReplyBody.FromTail(msgType, tail))
    {
    }

    /// <summary><c>success</c>: no passive reply (nothing matched, rate-limited, or delivered later through customer service).</summary>
    public static RememberedAnswer Nothing { get; } = new(0, (ReplyBody?)null);

    public bool IsNothing => Body is null;

    public string MsgType => Body?.MsgType ?? "";

    public ReadOnlyMemory<byte> Tail => Body?.Tail ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>S, or R + 8-byte CreateTime + MsgType + '\n' + tail.</summary>
    public byte[] Encode()
    {
        if (IsNothing)
        {
            return [NothingTag];
        }

        var type = Encoding.ASCII.GetBytes(MsgType);
        var bytes = new byte[1 + 8 + type.Length + 1 + Tail.Length];
        bytes[0] = ReplyTag;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), CreateTime);
        type.CopyTo(bytes, 9);
        bytes[9 + type.Length] = (byte)'\n';
        Tail.Span.CopyTo(bytes.AsSpan(10 + type.Length));
        return bytes;
    }

    /// <summary>Null for anything that is not an encoded answer (e.g. the in-flight marker).</summary>
    public static RememberedAnswer? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes is [NothingTag])
        {
            return Nothing;
        }

        if (bytes.Length < 11 || bytes[0] != ReplyTag)
        {
            return null;
        }

        var end = bytes[9..].IndexOf((byte)'\n');
        if (end <= 0)
        {
            return null;
        }

        return new RememberedAnswer(
            BinaryPrimitives.ReadInt64BigEndian(bytes[1..]),
            Encoding.ASCII.GetString(bytes.Slice(9, end)),
            bytes[(10 + end)..].ToArray());
    }
}
