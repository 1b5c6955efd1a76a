using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BrandBot.Protocol.Replies;
using BrandBot.WeChatApi;

namespace BrandBot.Outbound.Messages;

/// <summary>
/// Reads a request body (docs/outbound-messages.md#sending) into exactly one message kind, naming every bad
/// field at once. What only WeChat can judge — a template id, whether the follower follows — is left to
/// WeChat and reported on the message. Unknown fields are refused, so a typo never sends something else.
/// </summary>
public static class MessageRequestReader
{
    private static readonly string[] KindFields = ["template", "text", "news", "image", "subscription"];

    /// <param name="allowed">Extra top-level fields the caller handles itself (the batch item's <c>idempotencyKey</c>).</param>
    public static (MessageRequest? Request, IReadOnlyList<FieldError> Errors) Read(JsonElement body, string prefix = "", IReadOnlySet<string>? allowed = null)
    {
        var errors = new List<FieldError>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "must be a JSON object"));
            return (null, errors);
        }

        string? to = null;
        var kinds = new List<(string Name, JsonElement Value)>();
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name == "to")
            {
                to = OpenId(property.Value, prefix + "to", errors);
            }
            else if (KindFields.Contains(property.Name))
            {
                kinds.Add((property.Name, property.Value));
            }
            else if (allowed?.Contains(property.Name) != true)
            {
                errors.Add(new(prefix + property.Name, "is not a field of a message"));
            }
        }

        if (!body.TryGetProperty("to", out _))
        {
            errors.Add(new(prefix + "to", "is required: the follower's OpenID"));
        }

        if (kinds.Count == 0)
        {
            errors.Add(new(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "needs exactly one of template, text, news, image, subscription"));
        }
        else if (kinds.Count > 1)
        {
            foreach (var (name, _) in kinds)
            {
                errors.Add(new(prefix + name, $"only one kind per message (found {string.Join(", ", kinds.Select(k => k.Name))})"));
            }
        }

        if (kinds.Count != 1)
        {
            return (null, errors);
        }

        var (kindName, value) = kinds[0];
        var at = prefix + kindName;
        var json = new RawJsonWriter().BeginObject().String("touser", to ?? "");
        MessageKind kind;
        string? templateId = null;
        Reply? reply = null; // a customer-service message, written by the reply sender's own body builder
        switch (kindName)
        {
            case "template":
                kind = MessageKind.Template;
                templateId = TemplateLike(value, at, json, errors, idField: "id", linkField: "url", linkIsUrl: true);
                break;
            case "subscription":
                kind = MessageKind.Subscription;
                templateId = TemplateLike(value, at, json, errors, idField: "templateId", linkField: "page", linkIsUrl: false);
                break;
            case "text":
                kind = MessageKind.Text;
                reply = RequiredString(value, at, errors, 4096) is { } content ? new TextReply(content) : null;
                break;
            case "news":
                kind = MessageKind.News;
                reply = News(value, at, errors);
                break;
            default:
                kind = MessageKind.Image;
                reply = Image(value, at, errors);
                break;
        }

        if (errors.Count > 0 || to is null)
        {
            return (null, errors);
        }

        var payload = Encoding.UTF8.GetString(reply is null ? json.EndObject().ToUtf8() : CustomerServiceMessage.Json(to, reply)!);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(kind.Name() + "\n" + payload)));
        return (new MessageRequest(kind, to, payload, hash, templateId), errors);
    }

    private static string? OpenId(JsonElement value, string at, List<FieldError> errors)
    {
        // OpenIDs are 28 characters of [A-Za-z0-9_-] in practice; allow some room, refuse anything else.
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 and <= 64 } id
            || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            errors.Add(new(at, "must be the follower's OpenID (1-64 of A-Z a-z 0-9 _ -)"));
            return null;
        }

        return id;
    }

    /// <summary>
    /// A template message or a subscription notification: the same shape under different names — the id
    /// (<paramref name="idField"/>), an optional link (<c>url</c>, an http(s) URL; or <c>page</c>, a
    /// mini-program path), an optional mini program and the keyword data.
    /// </summary>
    private static string? TemplateLike(JsonElement value, string at, RawJsonWriter json, List<FieldError> errors, string idField, string linkField, bool linkIsUrl)
    {
        if (!IsObject(value, at, errors))
        {
            return null;
        }

        Known(value, at, errors, idField, linkField, "miniprogram", "data");
        var id = RequiredString(Field(value, idField), at + "." + idField, errors, 128);
        json.String("template_id", id);
        if (Field(value, linkField) is { ValueKind: not JsonValueKind.Undefined } link)
        {
            var linkAt = at + "." + linkField;
            json.String(linkField, linkIsUrl ? Url(link, linkAt, errors) : RequiredString(link, linkAt, errors, 1024));
        }

        MiniProgram(value, at, json, errors);
        Data(Field(value, "data"), at + ".data", json, errors);
        return id;
    }

    private static NewsReply? News(JsonElement value, string at, List<FieldError> errors)
    {
        if (!IsObject(value, at, errors))
        {
            return null;
        }

        Known(value, at, errors, "title", "description", "url", "picUrl");
        var title = RequiredString(Field(value, "title"), at + ".title", errors, 256);
        var description = OptionalString(Field(value, "description"), at + ".description", errors, 1024);
        var url = Field(value, "url") is { ValueKind: not JsonValueKind.Undefined } u ? Url(u, at + ".url", errors) : null;
        var picUrl = Field(value, "picUrl") is { ValueKind: not JsonValueKind.Undefined } p ? Url(p, at + ".picUrl", errors) : null;
        // A customer-service news message carries one article (docs/protocol.md §8.3).
        return title is null ? null : new NewsReply([new Article(title, description, picUrl, url)]);
    }

    private static ImageReply? Image(JsonElement value, string at, List<FieldError> errors)
    {
        if (!IsObject(value, at, errors))
        {
            return null;
        }

        Known(value, at, errors, "mediaId");
        return RequiredString(Field(value, "mediaId"), at + ".mediaId", errors, 256) is { } mediaId ? new ImageReply(mediaId) : null;
    }

    private static void MiniProgram(JsonElement value, string at, RawJsonWriter json, List<FieldError> errors)
    {
        if (Field(value, "miniprogram") is not { ValueKind: not JsonValueKind.Undefined } mini)
        {
            return;
        }

        if (!IsObject(mini, at + ".miniprogram", errors))
        {
            return;
        }

        Known(mini, at + ".miniprogram", errors, "appid", "pagepath");
        json.BeginObject("miniprogram")
            .String("appid", RequiredString(Field(mini, "appid"), at + ".miniprogram.appid", errors, 64))
            .String("pagepath", OptionalString(Field(mini, "pagepath"), at + ".miniprogram.pagepath", errors, 1024))
            .EndObject();
    }

    /// <summary>Template data: each value a string or <c>{"value": "…"}</c>, written as WeChat wants, keys sorted (their order means nothing).</summary>
    private static void Data(JsonElement data, string at, RawJsonWriter json, List<FieldError> errors)
    {
        if (data.ValueKind == JsonValueKind.Undefined)
        {
            errors.Add(new(at, "is required: the template's keywords and their values"));
            return;
        }

        if (!IsObject(data, at, errors))
        {
            return;
        }

        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in data.EnumerateObject())
        {
            var field = at + "." + entry.Name;
            if (entry.Name.Length is 0 or > 64 || !entry.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                errors.Add(new(field, "keyword names are 1-64 of A-Z a-z 0-9 _"));
                continue;
            }

            var text = entry.Value.ValueKind switch
            {
                JsonValueKind.String => entry.Value.GetString(),
                JsonValueKind.Object when entry.Value.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String => v.GetString(),
                _ => null,
            };
            if (text is null || text.Length > 2048)
            {
                errors.Add(new(field, "must be a string or {\"value\": \"…\"} of at most 2048 characters"));
                continue;
            }

            entries[entry.Name] = text;
        }

        if (entries.Count == 0 && errors.All(e => !e.Field.StartsWith(at, StringComparison.Ordinal)))
        {
            errors.Add(new(at, "needs at least one keyword"));
        }

        json.BeginObject("data");
        foreach (var (name, text) in entries)
        {
            json.BeginObject(name).String("value", text).EndObject();
        }

        json.EndObject();
    }

    private static JsonElement Field(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var field) ? field : default;

    private static bool IsObject(JsonElement value, string at, List<FieldError> errors)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        errors.Add(new(at, "must be a JSON object"));
        return false;
    }

    private static void Known(JsonElement value, string at, List<FieldError> errors, params string[] names)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (!names.Contains(property.Name))
            {
                errors.Add(new(at + "." + property.Name, $"is not a field here (expected {string.Join(", ", names)})"));
            }
        }
    }

    private static string? RequiredString(JsonElement value, string at, List<FieldError> errors, int maxLength)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            errors.Add(new(at, "is required"));
            return null;
        }

        return OptionalString(value, at, errors, maxLength, required: true);
    }

    private static string? OptionalString(JsonElement value, string at, List<FieldError> errors, int maxLength, bool required = false)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { } text || (required && text.Length == 0) || text.Length > maxLength)
        {
            errors.Add(new(at, required ? $"must be a non-empty string of at most {maxLength} characters" : $"must be a string of at most {maxLength} characters"));
            return null;
        }

        return text;
    }

    private static string? Url(JsonElement value, string at, List<FieldError> errors)
    {
        if (value.ValueKind == JsonValueKind.String && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https" && value.GetString()!.Length <= 2048)
        {
            return value.GetString();
        }

        errors.Add(new(at, "must be an absolute http(s) URL"));
        return null;
    }
}
