using System.Text;

namespace BrandBot.Protocol.Xml;

/// <summary>
/// Element names as strings without allocating one per element for the names WeChat sends on every
/// push; any other name is decoded as it comes.
/// </summary>
internal static class KnownNames
{
    private static readonly (byte[] Utf8, string Name)[] Names =
    [
        .. new[]
        {
            "ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "MsgID", "Encrypt",
            "Event", "EventKey", "Ticket", "PicUrl", "MediaId", "Format", "Recognition", "ThumbMediaId",
            "Location_X", "Location_Y", "Scale", "Label", "Title", "Description", "Url", "Latitude",
            "Longitude", "Precision", "MsgSignature", "TimeStamp", "Nonce", "xml", "item",
        }.Select(n => (Encoding.ASCII.GetBytes(n), n)),
    ];

    public static string Get(ReadOnlySpan<byte> utf8)
    {
        foreach (var (bytes, name) in Names)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return name;
            }
        }

        return Encoding.UTF8.GetString(utf8);
    }
}
