using System.Text.Json;
using BrandBot.Protocol.Replies;

namespace BrandBot.Delivery.Backend;

/// <summary>
/// Reads a backend's JSON answer into replies: <c>{"text": "…"}</c>, <c>{"news": [{title,
/// description, picUrl, url}]}</c>, or <c>{"replies": [ … ]}</c> with entries in the rules file's
/// reply shapes (<c>{"image": {"mediaId": "…"}}</c>, …). <c>{"replies": []}</c> means "no reply".
/// Anything else is a bad answer (null), which the caller treats like a failed call.
/// </summary>
public static class BackendAnswer
{
    public static IReadOnlyList<Reply>? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            return Read(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The answer's <c>"flow"</c> object, if it has one (docs/flows-design.md §4.5: end, reask, set/next).</summary>
    public static JsonElement? FlowOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("flow", out var flow) ? flow.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<Reply>? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("replies", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var replies = new List<Reply>();
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || item.EnumerateObject().Count() != 1 || ReadOne(item.EnumerateObject().First()) is not { } reply)
                {
                    return null;
                }

                replies.Add(reply);
            }

            return replies;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is "text" or "news")
            {
                return ReadOne(property) is { } reply ? [reply] : null;
            }
        }

        // A flow's backend may answer with its say about the flow alone ({"flow": {"reask": …, "text": …}}).
        return root.TryGetProperty("flow", out var flow) && flow.ValueKind == JsonValueKind.Object ? [] : null;
    }

    private static Reply? ReadOne(JsonProperty property)
    {
        var value = property.Value;
        return property.Name switch
        {
            "text" => Text(value) is { Length: > 0 } text ? new TextReply(text) : null,
            "news" => News(value),
            "image" => Field(value, "mediaId") is { Length: > 0 } id ? new ImageReply(id) : null,
            "voice" => Field(value, "mediaId") is { Length: > 0 } id ? new VoiceReply(id) : null,
            "video" => Field(value, "mediaId") is { Length: > 0 } id ? new VideoReply(id, Field(value, "title"), Field(value, "description")) : null,
            "music" => value.ValueKind == JsonValueKind.Object
                ? new MusicReply(Field(value, "title"), Field(value, "description"), Field(value, "musicUrl"), Field(value, "hqMusicUrl"), Field(value, "thumbMediaId"))
                : null,
            "transfer" => value.ValueKind is JsonValueKind.Object or JsonValueKind.Null ? new TransferReply(Field(value, "kfAccount")) : null,
            _ => null,
        };
    }

    private static NewsReply? News(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var articles = new List<Article>();
        foreach (var item in value.EnumerateArray())
        {
            if (Field(item, "title") is not { Length: > 0 } title)
            {
                return null;
            }

            articles.Add(new Article(title, Field(item, "description"), Field(item, "picUrl"), Field(item, "url")));
        }

        return articles.Count is > 0 and <= ReplyLimits.MaxArticlesForEvent ? new NewsReply(articles) : null;
    }

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Field(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var field) ? Text(field) : null;
}
