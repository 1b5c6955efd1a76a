using System.Xml.Linq;
using BrandBot.Protocol.Replies;

namespace BrandBot.Commands;

/// <summary>A reply as an operator reads it in a terminal: its kind and what the follower sees, on one line.</summary>
internal static class ReplyDisplay
{
    public static string Describe(Reply reply) => reply switch
    {
        TextReply text => $"text: {OneLine(text.Content)}",
        NewsReply news => $"news, {Articles(news.Articles.Count)}: {string.Join(" | ", news.Articles.Select(a => a.Title))}",
        ImageReply image => $"image (media id {image.MediaId})",
        VoiceReply voice => $"voice (media id {voice.MediaId})",
        VideoReply video => $"video{(video.Title is { Length: > 0 } title ? $" \"{title}\"" : "")} (media id {video.MediaId})",
        MusicReply music => $"music{(music.Title is { Length: > 0 } title ? $" \"{title}\"" : "")}",
        TransferReply transfer => $"handed to customer service{(transfer.KfAccount is { Length: > 0 } kf ? $" (agent {kf})" : "")}",
        _ => reply.MsgType,
    };

    /// <summary>The same, read from the reply XML a server sent (decrypted); <c>success</c> and anything unreadable as they are.</summary>
    public static string DescribeXml(string xml)
    {
        if (xml.Trim() is "success" or "")
        {
            return "no reply (success)";
        }

        XElement root;
        try
        {
            root = XElement.Parse(xml);
        }
        catch (System.Xml.XmlException)
        {
            return xml;
        }

        string? Field(XContainer from, string name) => from.Element(name)?.Value;
        return Field(root, "MsgType") switch
        {
            "text" => $"text: {OneLine(Field(root, "Content") ?? "")}",
            "news" when root.Element("Articles") is { } articles =>
                $"news, {Articles(articles.Elements("item").Count())}: {string.Join(" | ", articles.Elements("item").Select(i => Field(i, "Title")))}",
            "image" => $"image (media id {Field(root.Element("Image") ?? root, "MediaId")})",
            "voice" => $"voice (media id {Field(root.Element("Voice") ?? root, "MediaId")})",
            "video" => $"video (media id {Field(root.Element("Video") ?? root, "MediaId")})",
            "music" => $"music \"{Field(root.Element("Music") ?? root, "Title")}\"",
            "transfer_customer_service" => "handed to customer service",
            var other => other ?? xml,
        };
    }

    private static string Articles(int count) => count == 1 ? "1 article" : $"{count} articles";

    private static string OneLine(string text) => text.ReplaceLineEndings(" / ");
}
