namespace BrandBot.IntegrationTests.Outbound;

/// <summary>The customer-service window and subscription grants are enforced before any WeChat call (docs/outbound-messages.md).</summary>
public sealed class WindowTests : OutboundFixture
{
    [Fact]
    public async Task NeverMessaged_Is422_AfterAMessage_FiveAreSent_TheSixthIs422()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        using var client = ApiClient(port);
        Api.Messages.EnforceWindow = true;

        var closed = await PostAsync(client, "/api/v1/acme/messages", Text("hello"), "w-0");
        Assert.Equal(422, closed.Status);
        Assert.EndsWith("window-closed", closed.Body.GetProperty("type").GetString());
        Assert.Equal("to", closed.Body.GetProperty("errors")[0].GetProperty("field").GetString());

        Api.Messages.FollowerWrote(Follower);
        await FollowerWritesAsync(server);
        var ids = new List<string> { await ExactlyOnceTests.PostUntilAcceptedAsync(client, Text("one"), "w-1") };
        for (var i = 2; i <= 5; i++)
        {
            var posted = await PostAsync(client, "/api/v1/acme/messages", Text($"reply {i}"), $"w-{i}");
            Assert.Equal(202, posted.Status);
            ids.Add(posted.Body.GetProperty("id").GetString()!);
        }

        var sixth = await PostAsync(client, "/api/v1/acme/messages", Text("six"), "w-6");
        Assert.Equal(422, sixth.Status);
        Assert.EndsWith("window-closed", sixth.Body.GetProperty("type").GetString());

        foreach (var id in ids)
        {
            Assert.Equal("sent", await WaitForStatusAsync(client, id, "sent", "failed", "unknown"));
        }

        Assert.Equal(5, Api.Sends.Count);
        Assert.Equal(5, Api.Delivered.Count());
    }

    [Fact]
    public async Task SubscriptionWithoutAGrant_Is422_AGrantFromThePopupAllowsOne()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        using var client = ApiClient(port);
        const string body = """{"to":"o9AgO5Kd5ggOC-outbound-0001","subscription":{"templateId":"SUB-1","page":"https://example.com/o/1","data":{"thing1":"Order shipped"}}}""";

        var refused = await PostAsync(client, "/api/v1/acme/messages", body, "s-0");
        Assert.Equal(422, refused.Status);
        Assert.EndsWith("no-grant", refused.Body.GetProperty("type").GetString());

        // subscribe_msg_popup_event: accepted SUB-1, rejected SUB-2 (nested List elements).
        var popup = BrandBot.Protocol.Simulation.SampleMessages.Build(TestAccounts.Gh, Follower, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "event",
            ("Event", "subscribe_msg_popup_event"));
        popup = popup.Replace("</xml>", "<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[SUB-1]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List>"
            + "<List><TemplateId><![CDATA[SUB-2]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent></xml>", StringComparison.Ordinal);
        var answer = await Wire.PushAsync(server.Client, popup, timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal("success", answer.Text);
        Api.Messages.Grant(Follower, "SUB-1");

        var id = await ExactlyOnceTests.PostUntilAcceptedAsync(client, body, "s-1");
        Assert.Equal("sent", await WaitForStatusAsync(client, id, "sent", "failed", "unknown"));
        Assert.Single(Api.Messages.Subscriptions);

        var second = await PostAsync(client, "/api/v1/acme/messages", body, "s-2");
        Assert.Equal(422, second.Status);
        Assert.Single(Api.Messages.Subscriptions);

        // The grant ledger is in Redis under the follower's hash: no key name carries the OpenID.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var keys = redis.GetServers().SelectMany(s => s.Keys(pattern: "brandbot:*")).Select(k => (string)k!).ToList();
        Assert.Contains(keys, k => k.Contains(":out:grants:", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.Contains(Follower, StringComparison.Ordinal));
    }
}
