using System.Globalization;
using System.Text;

namespace BrandBot.Delivery.Dedup;

/// <summary>
/// What a retry needs to answer a push whose reply is fixed in the rules: the rules version, the
/// index of the reply in the group the push routed to, and the reply's CreateTime (as seconds after
/// the push's own). A few bytes instead of the rendered reply: the retry renders it again from that version.
/// </summary>
/// <param name="RulesVersion">The version that answered; 0 with <paramref name="ReplyIndex"/> -1 for <c>success</c>.</param>
public readonly record struct CompactAnswer(long RulesVersion, int ReplyIndex, long CreateTimeAfterPush = 0)
{
    private const byte NothingTag = (byte)'S';
    private const byte FixedTag = (byte)'F';

    /// <summary><c>success</c>: nothing matched, or the push was over a rate limit.</summary>
    public static CompactAnswer Nothing => new(0, -1);

    public bool IsNothing => ReplyIndex < 0;

    /// <summary>S, or F + version + ':' + index + ':' + seconds after the push, in ASCII: "F17:0:1" is seven bytes.</summary>
    public byte[] Encode() =>
        IsNothing ? [NothingTag] : Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"F{RulesVersion}:{ReplyIndex}:{CreateTimeAfterPush}"));

    /// <summary>Null for anything that is not an encoded compact answer.</summary>
    public static CompactAnswer? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes is [NothingTag])
        {
            return Nothing;
        }

        if (bytes.Length < 4 || bytes[0] != FixedTag)
        {
            return null;
        }

        var first = bytes.IndexOf((byte)':');
        var second = first < 0 ? -1 : bytes[(first + 1)..].IndexOf((byte)':') + first + 1;
        return first > 1 && second > first
            && long.TryParse(bytes[1..first], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && int.TryParse(bytes[(first + 1)..second], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && long.TryParse(bytes[(second + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var after)
                ? new CompactAnswer(version, index, after)
                : null;
    }
}
