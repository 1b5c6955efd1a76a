namespace BrandBot.Outbound.Messages;

/// <summary>What a message is, which decides the WeChat call and the rules it passes (docs/outbound-messages.md).</summary>
public enum MessageKind
{
    /// <summary>A template message (<c>message/template/send</c>); needs no window, only a follower.</summary>
    Template,

    /// <summary>Customer-service text (<c>message/custom/send</c>), inside the window.</summary>
    Text,

    /// <summary>Customer-service news card, one article.</summary>
    News,

    /// <summary>Customer-service image by media id.</summary>
    Image,

    /// <summary>A subscription notification (<c>message/subscribe/bizsend</c>), consuming one grant.</summary>
    Subscription,
}

public static class MessageKinds
{
    public static string Name(this MessageKind kind) => kind switch
    {
        MessageKind.Template => "template",
        MessageKind.Text => "text",
        MessageKind.News => "news",
        MessageKind.Image => "image",
        MessageKind.Subscription => "subscription",
        _ => "unknown",
    };

    public static MessageKind? Parse(string? name) => name switch
    {
        "template" => MessageKind.Template,
        "text" => MessageKind.Text,
        "news" => MessageKind.News,
        "image" => MessageKind.Image,
        "subscription" => MessageKind.Subscription,
        _ => null,
    };

    /// <summary>Customer-service kinds pass the window; their call cannot be repeated safely.</summary>
    public static bool IsCustomerService(this MessageKind kind) => kind is MessageKind.Text or MessageKind.News or MessageKind.Image;
}
