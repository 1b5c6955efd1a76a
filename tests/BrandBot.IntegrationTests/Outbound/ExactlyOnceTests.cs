using System.Text.Json;

namespace BrandBot.IntegrationTests.Outbound;

/// <summary>
/// Each message is sent once (docs/outbound-messages.md#exactly-once): the same key on two instances,
/// a send WeChat took but never answered, and job-finish events that come twice or early.
/// </summary>
public sealed class ExactlyOnceTests : OutboundFixture
{
    [Fact]
    public async Task SameKeyPostedConcurrentlyToTwoInstances_OneWeChatCallOneId()
    {
        int portA = Ports.Free(), portB = Ports.Free();
        await using var a = await TestServer.StartAsync(ApiSettings(portA), realClock: true);
        await using var b = await TestServer.StartAsync(ApiSettings(portB), realClock: true);
        using var clientA = ApiClient(portA);
        using var clientB = ApiClient(portB);

        var posts = Enumerable.Range(0, 20).Select(i => PostAsync(i % 2 == 0 ? clientA : clientB, "/api/v1/acme/messages", Template(), "order-1001:gate-change")).ToList();
        var answers = await Task.WhenAll(posts);

        Assert.All(answers, r => Assert.Equal(202, r.Status));
        var ids = answers.Select(r => r.Body.GetProperty("id").GetString()).Distinct().ToList();
        var id = Assert.Single(ids)!;
        Assert.All(answers, r => Assert.Equal($"/api/v1/acme/messages/{id}", r.Response.Headers.Location!.ToString()));
        Assert.Equal(19, answers.Count(r => r.Response.Headers.Contains("Idempotent-Replayed")));

        Assert.Equal("sent", await WaitForStatusAsync(clientB, id, "sent", "delivered"));
        await Task.Delay(500);
        Assert.Equal(1, Api.Messages.TemplateCalls);
        var kept = Assert.Single(Api.Messages.TemplateMessages);
        Assert.StartsWith("bb-", kept.Body.GetProperty("client_msg_id").GetString());
        Assert.Equal(kept.MsgId, (await GetAsync(clientA, "acme", id)).GetProperty("wechat").GetProperty("msgid").GetString());
    }

    [Fact]
    public async Task SameKeyWithADifferentBody_Is409AndSendsNothingMore()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        using var client = ApiClient(port);

        var first = await PostAsync(client, "/api/v1/acme/messages", Template(), "k-409");
        var other = await PostAsync(client, "/api/v1/acme/messages", Template(template: "TPL-02"), "k-409");

        Assert.Equal(202, first.Status);
        Assert.Equal(409, other.Status);
        Assert.Equal("application/problem+json", other.Response.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith("idempotency-key-reused", other.Body.GetProperty("type").GetString());
        await WaitForStatusAsync(client, first.Body.GetProperty("id").GetString()!, "sent");
        Assert.Equal(1, Api.Messages.TemplateCalls);
    }

    [Fact]
    public async Task CustomerServiceSendAcceptedButNeverAnswered_IsUnknownAndNotRepeated()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        using var client = ApiClient(port);
        await FollowerWritesAsync(server);
        Api.Messages.HangNextSends = 1;

        var id = await PostUntilAcceptedAsync(client, Text("Your gate changed to B12"), "cs-hang-1");

        Assert.Equal("unknown", await WaitForStatusAsync(client, id, "unknown", "sent", "failed"));
        var state = await GetAsync(client, "acme", id);
        Assert.Contains("never sent twice", state.GetProperty("error").GetString());
        await Task.Delay(TimeSpan.FromSeconds(5)); // past a lease: nobody takes it up again
        Assert.Single(Api.Sends);
        Assert.Equal("unknown", (await GetAsync(client, "acme", id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task TemplateSendAcceptedButNeverAnswered_IsRetriedWithTheSameClientMsgIdAndKeptOnce()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        using var client = ApiClient(port);
        Api.Messages.HangNextSends = 1;

        var posted = await PostAsync(client, "/api/v1/acme/messages", Template(), "tpl-hang-1");
        var id = posted.Body.GetProperty("id").GetString()!;

        Assert.Equal("sent", await WaitForStatusAsync(client, id, "sent", "unknown", "failed"));
        Assert.Equal(2, Api.Messages.TemplateCalls);
        var kept = Assert.Single(Api.Messages.TemplateMessages);
        var state = await GetAsync(client, "acme", id);
        Assert.Equal(2, state.GetProperty("attempts").GetInt32());
        Assert.Equal(kept.MsgId, state.GetProperty("wechat").GetProperty("msgid").GetString());
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task JobFinishTwiceOrBeforeTheAnswer_IsRecordedOnceAsDelivered(bool twice, bool beforeAnswer)
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        using var client = ApiClient(port);
        Api.Messages.Webhook = WebhookOf(server);
        Api.Messages.FinishTwice = twice;
        Api.Messages.FinishBeforeAnswer = beforeAnswer;

        var id = (await PostAsync(client, "/api/v1/acme/messages", Template(), $"finish-{twice}-{beforeAnswer}")).Body.GetProperty("id").GetString()!;

        Assert.Equal("delivered", await WaitForStatusAsync(client, id, "delivered", "failed"));
        await TestHelpers.EventuallyAsync(() => Api.Messages.FinishAnswers.Count == (twice ? 2 : 1), TimeSpan.FromSeconds(10));
        Assert.All(Api.Messages.FinishAnswers, a => Assert.Equal((200, "success"), a));
        await Task.Delay(300);
        var today = BrandBot.Outbound.Store.DayOf.Of(DateTimeOffset.UtcNow, TimeSpan.FromHours(8));
        var counts = (await StoreOf(server).DaysAsync("acme", today, 1)).Single();
        Assert.Equal((1, 1, 1, 0), (counts.Queued, counts.Sent, counts.Delivered, counts.Failed));
        Assert.NotNull((await GetAsync(client, "acme", id)).GetProperty("finishedAt").GetString());
    }

    [Fact]
    public async Task JobFinishWithUserBlock_IsFailedWithAReason()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        using var client = ApiClient(port);
        Api.Messages.Webhook = WebhookOf(server);
        Api.Messages.FinishStatus = "failed:user block";

        var id = (await PostAsync(client, "/api/v1/acme/messages", Template(), "blocked-1")).Body.GetProperty("id").GetString()!;

        Assert.Equal("failed", await WaitForStatusAsync(client, id, "delivered", "failed"));
        var state = await GetAsync(client, "acme", id);
        Assert.Contains("refuses the account's messages", state.GetProperty("error").GetString());
        Assert.Equal("failed:user block", state.GetProperty("wechat").GetProperty("errmsg").GetString());
    }

    /// <summary>The window opens when the push's ledger update lands, a moment after the push is answered.</summary>
    internal static async Task<string> PostUntilAcceptedAsync(HttpClient client, string body, string key)
    {
        JsonElement answer = default;
        await TestHelpers.EventuallyAsync(async () =>
        {
            var posted = await PostAsync(client, "/api/v1/acme/messages", body, key);
            answer = posted.Body;
            return posted.Status == 202;
        }, TimeSpan.FromSeconds(10));
        return answer.GetProperty("id").GetString()!;
    }
}
