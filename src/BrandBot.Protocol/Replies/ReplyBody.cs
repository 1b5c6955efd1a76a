using System.Globalization;
using System.Text;

namespace BrandBot.Protocol.Replies;

/// <summary>
/// The part of a reply that does not depend on who it goes to: everything after CreateTime, already
/// sanitised, truncated and UTF-8 encoded. Rules prepare their bodies once at publish time, so
/// answering a push only writes the short header in front.
/// </summary>
public sealed class ReplyBody
{
    private ReplyBody(string msgType, ReadOnlyMemory<byte> tail)
    {
        MsgType = msgType;
        Tail = tail;
    }

    public string MsgType { get; }

    /// <summary>UTF-8 bytes from <c>&lt;MsgType&gt;</c> to the closing <c>&lt;/xml&gt;</c>.</summary>
    public ReadOnlyMemory<byte> Tail { get; }

    /// <summary>A body rendered earlier (e.g. remembered for a retry), from its MsgType and tail bytes.</summary>
    public static ReplyBody FromTail(string msgType, ReadOnlyMemory<byte> tail) => new(msgType, tail);

    /// <summary>Renders <paramref name="reply"/>; news keeps at most <paramref name="maxArticles"/> articles.</summary>
    public static ReplyBody Prepare(Reply reply, int maxArticles = ReplyLimits.MaxArticlesForEvent)
    {
        var xml = new StringBuilder(256);
        Element(xml, "MsgType", reply.MsgType);
        switch (reply)
        {
            case TextReply text:
                Element(xml, "Content", XmlText.TruncateUtf8(XmlText.Sanitize(text.Content), ReplyLimits.MaxTextBytes));
                break;
            case NewsReply news:
                var articles = news.Articles.Take(Math.Max(1, maxArticles)).ToList();
                // docs/protocol.md §4.6: ArticleCount must equal the number of items actually written.
                xml.Append("<ArticleCount>").Append(articles.Count.ToString(CultureInfo.InvariantCulture)).Append("</ArticleCount><Articles>");
                foreach (var article in articles)
                {
                    xml.Append("<item>");
                    Element(xml, "Title", article.Title);
                    Element(xml, "Description", article.Description ?? "");
                    Element(xml, "PicUrl", article.PicUrl ?? "");
                    Element(xml, "Url", article.Url ?? "");
                    xml.Append("</item>");
                }

                xml.Append("</Articles>");
                break;
            case ImageReply image:
                xml.Append("<Image>");
                Element(xml, "MediaId", image.MediaId);
                xml.Append("</Image>");
                break;
            case VoiceReply voice:
                xml.Append("<Voice>");
                Element(xml, "MediaId", voice.MediaId);
                xml.Append("</Voice>");
                break;
            case VideoReply video:
                xml.Append("<Video>");
                Element(xml, "MediaId", video.MediaId);
                OptionalElement(xml, "Title", video.Title);
                OptionalElement(xml, "Description", video.Description);
                xml.Append("</Video>");
                break;
            case MusicReply music:
                xml.Append("<Music>");
                OptionalElement(xml, "Title", music.Title);
                OptionalElement(xml, "Description", music.Description);
                OptionalElement(xml, "MusicUrl", music.MusicUrl);
                OptionalElement(xml, "HQMusicUrl", music.HqMusicUrl);
                OptionalElement(xml, "ThumbMediaId", music.ThumbMediaId);
                xml.Append("</Music>");
                break;
            case TransferReply transfer when !string.IsNullOrEmpty(transfer.KfAccount):
                xml.Append("<TransInfo>");
                Element(xml, "KfAccount", transfer.KfAccount);
                xml.Append("</TransInfo>");
                break;
        }

        xml.Append("</xml>");
        return new ReplyBody(reply.MsgType, Encoding.UTF8.GetBytes(xml.ToString()));
    }

    private static void Element(StringBuilder xml, string name, string value)
    {
        xml.Append('<').Append(name).Append('>');
        XmlText.AppendCdata(xml, value);
        xml.Append("</").Append(name).Append('>');
    }

    private static void OptionalElement(StringBuilder xml, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Element(xml, name, value);
        }
    }
}
