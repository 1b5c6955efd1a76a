using System.Text.Json;
using BrandBot.Outbound.Messages;

namespace BrandBot.IntegrationTests.Outbound;

/// <summary>
/// The WeChat body each request kind becomes (docs/outbound-messages.md#sending), byte for byte: it is
/// stored with the message and its hash tells a replay from a different body under the same key, so a
/// change here would turn a backend's honest retry after an upgrade into a 409.
/// </summary>
public sealed class MessageBodyTests
{
    [Theory]
    [InlineData(
        """{"to":"o9AgO5Kd5ggOC-outbound-0001","template":{"id":"TPL-01","url":"https://example.com/gate","miniprogram":{"appid":"wx1","pagepath":"p/i"},"data":{"keyword2":{"value":"18:05"},"keyword1":"Gate B12"}}}""",
        "template",
        """{"touser":"o9AgO5Kd5ggOC-outbound-0001","template_id":"TPL-01","url":"https://example.com/gate","miniprogram":{"appid":"wx1","pagepath":"p/i"},"data":{"keyword1":{"value":"Gate B12"},"keyword2":{"value":"18:05"}}}""",
        "TPL-01")]
    [InlineData(
        """{"to":"o9AgO5Kd5ggOC-outbound-0001","subscription":{"templateId":"SUB-1","page":"pages/order","data":{"thing1":"Shoes"}}}""",
        "subscription",
        """{"touser":"o9AgO5Kd5ggOC-outbound-0001","template_id":"SUB-1","page":"pages/order","data":{"thing1":{"value":"Shoes"}}}""",
        "SUB-1")]
    [InlineData(
        """{"to":"o9AgO5Kd5ggOC-outbound-0001","text":"Gate \"B12\"\n"}""",
        "text",
        """{"touser":"o9AgO5Kd5ggOC-outbound-0001","msgtype":"text","text":{"content":"Gate \"B12\"\n"}}""",
        null)]
    [InlineData(
        """{"to":"o9AgO5Kd5ggOC-outbound-0001","news":{"title":"Boarding","url":"https://example.com/b","picUrl":"https://example.com/p.png"}}""",
        "news",
        """{"touser":"o9AgO5Kd5ggOC-outbound-0001","msgtype":"news","news":{"articles":[{"title":"Boarding","url":"https://example.com/b","picurl":"https://example.com/p.png"}]}}""",
        null)]
    [InlineData(
        """{"to":"o9AgO5Kd5ggOC-outbound-0001","image":{"mediaId":"MEDIA-1"}}""",
        "image",
        """{"touser":"o9AgO5Kd5ggOC-outbound-0001","msgtype":"image","image":{"media_id":"MEDIA-1"}}""",
        null)]
    public void EachKind_BecomesItsWeChatBody(string body, string kind, string payload, string? templateId)
    {
        using var document = JsonDocument.Parse(body);

        var (request, errors) = MessageRequestReader.Read(document.RootElement);

        Assert.Empty(errors);
        Assert.NotNull(request);
        Assert.Equal(kind, request.Kind.Name());
        Assert.Equal(payload, request.Payload);
        Assert.Equal(templateId, request.TemplateId);
    }

    [Fact]
    public void TheBodyHash_IgnoresKeywordOrderAndTheValueWrapper_ButNotTheKind()
    {
        static string Hash(string body)
        {
            using var document = JsonDocument.Parse(body);
            return MessageRequestReader.Read(document.RootElement).Request!.BodyHash;
        }

        var a = Hash("""{"to":"o9AgO5Kd5ggOC-outbound-0001","template":{"id":"T","data":{"a":"1","b":"2"}}}""");
        var b = Hash("""{"template":{"data":{"b":{"value":"2"},"a":"1"},"id":"T"},"to":"o9AgO5Kd5ggOC-outbound-0001"}""");
        var c = Hash("""{"to":"o9AgO5Kd5ggOC-outbound-0001","subscription":{"templateId":"T","data":{"a":"1","b":"2"}}}""");

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal("08bf9e3e", a[..8]);
    }

    [Fact]
    public void TemplateAndSubscription_NameTheirOwnFieldsWhenWrong()
    {
        using var template = JsonDocument.Parse("""{"to":"o9AgO5Kd5ggOC-outbound-0001","template":{"page":"x","url":"ftp://x"}}""");
        using var subscription = JsonDocument.Parse("""{"to":"o9AgO5Kd5ggOC-outbound-0001","subscription":{"url":"x","page":"","data":{}}}""");

        var t = MessageRequestReader.Read(template.RootElement).Errors.Select(e => e.Field).ToArray();
        var s = MessageRequestReader.Read(subscription.RootElement).Errors.Select(e => e.Field).ToArray();

        Assert.Equal(["template.page", "template.id", "template.url", "template.data"], t);
        Assert.Equal(["subscription.url", "subscription.templateId", "subscription.page", "subscription.data"], s);
    }
}
