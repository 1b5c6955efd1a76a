using System.Text.Json;
using BrandBot.Delivery.Pipeline;
using BrandBot.Outbound.Messages;

namespace BrandBot.Api;

/// <summary>A message as the API shows it (docs/outbound-messages.md#reading-a-message): the OpenID masked, never the payload.</summary>
public static class MessageView
{
    public static void Write(Utf8JsonWriter json, OutboundMessage message)
    {
        json.WriteStartObject();
        json.WriteString("id", message.Id);
        json.WriteString("kind", message.Kind.Name());
        json.WriteString("to", OpenIdMask.Mask(message.To));
        json.WriteString("status", message.Status);
        json.WriteNumber("attempts", message.Attempts);
        Time(json, "createdAt", message.CreatedAt);
        Time(json, "sentAt", message.SentAt);
        Time(json, "finishedAt", message.FinishedAt);
        json.WriteStartObject("wechat");
        Text(json, "msgid", message.WeChatMsgId);
        if (message.ErrCode is { } code)
        {
            json.WriteNumber("errcode", code);
        }
        else
        {
            json.WriteNull("errcode");
        }

        Text(json, "errmsg", message.ErrMsg);
        json.WriteEndObject();
        Text(json, "error", message.Error);
        json.WriteEndObject();
    }

    private static void Time(Utf8JsonWriter json, string name, DateTimeOffset? at)
    {
        if (at is { } value)
        {
            json.WriteString(name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Text(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
