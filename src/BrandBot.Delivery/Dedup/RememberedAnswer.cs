using System.Buffers.Binary;
using System.Text;

namespace BrandBot.Delivery.Dedup;

/// <summary>
/// The answer given to the first attempt of a push, kept so a retry gets the same one. A reply is
/// kept without its To/From header (which holds the OpenID): its CreateTime, MsgType and the
/// pre-rendered tail are enough to write the same inner XML again.
/// </summary>
public sealed record RememberedAnswer(long CreateTime, string MsgType, ReadOnlyMemory<byte> Tail)
{
    private const byte NothingTag = (byte)'S';
    private const byte ReplyTag = (byte)'R';

    /// <summary><c>success</c>: no passive reply (nothing matched, rate-limited, or delivered later through customer service).</summary>
    public static RememberedAnswer Nothing { get; } = new(0, "", ReadOnlyMemory<byte>.Empty);

    public bool IsNothing => MsgType.Length == 0;

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
