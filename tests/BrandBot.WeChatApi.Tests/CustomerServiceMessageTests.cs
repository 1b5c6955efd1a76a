using System.Text;
using System.Text.Json;
using BrandBot.Protocol.Replies;
using BrandBot.WeChatApi;
using FsCheck.Xunit;

namespace BrandBot.WeChatApi.Tests;

public class CustomerServiceMessageTests
{
    private const string OpenId = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY";

    [Fact]
    public void Chinese_AndEmoji_GoOutAsRawUtf8()
    {
        // docs/protocol.md §8.3: \u escapes garbled Chinese for other SDKs' users; System.Text.Json escapes emoji by default.
        var json = CustomerServiceMessage.Json(OpenId, new TextReply("你好 😀"))!;
        Assert.Equal("""{"touser":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","msgtype":"text","text":{"content":"你好 😀"}}""", Encoding.UTF8.GetString(json));
        Assert.DoesNotContain("\\u", Encoding.UTF8.GetString(json));
    }

    [Property]
    public bool AnyText_RoundTripsThroughAJsonParser(string? content)
    {
        // Lone surrogates cannot be UTF-8 at all; every other string must come back exactly.
        var text = content ?? "";
        if (HasLoneSurrogate(text))
        {
            return true;
        }

        var json = CustomerServiceMessage.Json(OpenId, new TextReply(text))!;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("text").GetProperty("content").GetString() == text;
    }

    [Fact]
    public void ControlCharactersAndQuotes_AreEscaped()
    {
        var json = Encoding.UTF8.GetString(CustomerServiceMessage.Json(OpenId, new TextReply("a\"b\\c\nd\u0001"))!);
        Assert.Contains("""a\"b\\c\nd\u0001""", json);
    }

    [Fact]
    public void EachReplyKind_HasItsApiShape()
    {
        Assert.Equal("IMG", Parse(new ImageReply("IMG")).GetProperty("image").GetProperty("media_id").GetString());
        Assert.Equal("VOICE", Parse(new VoiceReply("VOICE")).GetProperty("voice").GetProperty("media_id").GetString());
        var video = Parse(new VideoReply("VID", "t", "d")).GetProperty("video");
        Assert.Equal(("VID", "t", "d"), (video.GetProperty("media_id").GetString(), video.GetProperty("title").GetString(), video.GetProperty("description").GetString()));
        var music = Parse(new MusicReply("mt", null, "https://m", "https://hq", "TH")).GetProperty("music");
        Assert.Equal("https://hq", music.GetProperty("hqmusicurl").GetString());
        Assert.Equal("TH", music.GetProperty("thumb_media_id").GetString());
        Assert.False(music.TryGetProperty("description", out _));

        // One article since 2018, with the API's lowercase picurl.
        var news = Parse(new NewsReply([new Article("one", "d", "https://p", "https://u"), new Article("two")]));
        Assert.Equal("news", news.GetProperty("msgtype").GetString());
        var article = Assert.Single(news.GetProperty("news").GetProperty("articles").EnumerateArray());
        Assert.Equal(("one", "https://p", "https://u"), (article.GetProperty("title").GetString(), article.GetProperty("picurl").GetString(), article.GetProperty("url").GetString()));
    }

    [Fact]
    public void Transfer_CannotBeSent()
    {
        Assert.Null(CustomerServiceMessage.Json(OpenId, new TransferReply()));
    }

    private static JsonElement Parse(Reply reply) => JsonDocument.Parse(CustomerServiceMessage.Json(OpenId, reply)!).RootElement;

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
