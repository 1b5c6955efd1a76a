using BrandBot.Protocol.Replies;

namespace BrandBot.WeChatApi;

/// <summary>The JSON body of a customer-service send (docs/protocol.md §8.3) for one of our replies.</summary>
public static class CustomerServiceMessage
{
    /// <summary>Null for a reply the API cannot carry (transfer to customer service is passive-only).</summary>
    public static byte[]? Json(string openId, Reply reply)
    {
        var json = new RawJsonWriter().BeginObject().String("touser", openId);
        switch (reply)
        {
            case TextReply text:
                json.String("msgtype", "text").BeginObject("text").String("content", text.Content).EndObject();
                break;
            case ImageReply image:
                json.String("msgtype", "image").BeginObject("image").String("media_id", image.MediaId).EndObject();
                break;
            case VoiceReply voice:
                json.String("msgtype", "voice").BeginObject("voice").String("media_id", voice.MediaId).EndObject();
                break;
            case VideoReply video:
                json.String("msgtype", "video").BeginObject("video")
                    .String("media_id", video.MediaId).String("title", video.Title).String("description", video.Description)
                    .EndObject();
                break;
            case MusicReply music:
                json.String("msgtype", "music").BeginObject("music")
                    .String("title", music.Title).String("description", music.Description)
                    .String("musicurl", music.MusicUrl).String("hqmusicurl", music.HqMusicUrl)
                    .String("thumb_media_id", music.ThumbMediaId)
                    .EndObject();
                break;
            case NewsReply { Articles.Count: > 0 } news:
                // Since 2018 a customer-service news message carries one article (docs/protocol.md §8.3).
                var article = news.Articles[0];
                json.String("msgtype", "news").BeginObject("news").BeginArray("articles").BeginObject()
                    .String("title", article.Title).String("description", article.Description)
                    .String("url", article.Url).String("picurl", article.PicUrl)
                    .EndObject().EndArray().EndObject();
                break;
            default:
                return null;
        }

        return json.EndObject().ToUtf8();
    }
}
