using System.Globalization;
using System.Text;

namespace BrandBot.Protocol.Replies;

/// <summary>Writes passive replies and the encrypted reply envelope (docs/protocol.md §2.5, §4.1).</summary>
public static class ReplyWriter
{
    /// <summary>The literal answer that tells WeChat "no passive reply, do not retry" (§4.9).</summary>
    public const string Success = "success";

    /// <summary>
    /// Writes the whole reply: To/From swapped relative to the push, CreateTime in seconds,
    /// then the prepared body. UTF-8 without BOM.
    /// </summary>
    /// <param name="toUser">The follower's OpenID (the push's FromUserName).</param>
    /// <param name="fromUser">The account's id (the push's ToUserName).</param>
    public static byte[] Write(string toUser, string fromUser, long createTime, ReplyBody body)
    {
        var head = new StringBuilder(160);
        head.Append("<xml><ToUserName>");
        XmlText.AppendCdata(head, toUser);
        head.Append("</ToUserName><FromUserName>");
        XmlText.AppendCdata(head, fromUser);
        head.Append("</FromUserName><CreateTime>").Append(createTime.ToString(CultureInfo.InvariantCulture)).Append("</CreateTime>");

        var headText = head.ToString();
        var headLength = Encoding.UTF8.GetByteCount(headText);
        var result = new byte[headLength + body.Tail.Length];
        Encoding.UTF8.GetBytes(headText, result);
        body.Tail.Span.CopyTo(result.AsSpan(headLength));
        return result;
    }

    /// <summary>
    /// The safe/compatible-mode envelope: Encrypt, MsgSignature, TimeStamp, Nonce, in that order.
    /// The signature must be computed over exactly the strings written here.
    /// </summary>
    public static byte[] WriteEncrypted(string encrypt, string msgSignature, string timeStamp, string nonce)
    {
        var xml = new StringBuilder(encrypt.Length + 200);
        xml.Append("<xml><Encrypt>");
        XmlText.AppendCdata(xml, encrypt);
        xml.Append("</Encrypt><MsgSignature>");
        XmlText.AppendCdata(xml, msgSignature);
        xml.Append("</MsgSignature><TimeStamp>").Append(timeStamp).Append("</TimeStamp><Nonce>");
        XmlText.AppendCdata(xml, nonce);
        xml.Append("</Nonce></xml>");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }
}
