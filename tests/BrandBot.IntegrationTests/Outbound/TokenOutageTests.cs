namespace BrandBot.IntegrationTests.Outbound;

/// <summary>
/// No access token (docs/outbound-messages.md#exactly-once): messages stay queued with back-off, never
/// failed, the operator is told once, and they go out once a token is had.
/// </summary>
public sealed class TokenOutageTests : OutboundFixture
{
    [Fact]
    public async Task TokenRefused_MessagesWaitWithBackoff_WarnedOnce_NotFailed_SentWhenTheTokenComesBack()
    {
        Api.TokenError = (40125, "invalid appsecret");
        var port = Ports.Free();
        var settings = ApiSettings(port);
        settings["BrandBot:Outbound:MaxAttempts"] = "2"; // token failures must not count towards it
        await using var server = await TestServer.StartAsync(settings, realClock: true);
        using var client = ApiClient(port);

        var ids = new List<string>();
        foreach (var key in new[] { "token-outage-1", "token-outage-2" })
        {
            var posted = await PostAsync(client, "/api/v1/acme/messages", Template(), key);
            Assert.Equal(202, posted.Status);
            ids.Add(posted.Body.GetProperty("id").GetString()!);
        }

        // Back-off 1, 2, 4 s (±20%): at most 4 tries per message in 6.5 s, where a retry every second made 7.
        await Task.Delay(TimeSpan.FromSeconds(6.5));
        Assert.InRange(Api.TokenCalls, 2, 8);
        foreach (var id in ids)
        {
            var state = await GetAsync(client, "acme", id);
            Assert.Equal("queued", state.GetProperty("status").GetString());
            Assert.Equal(0, state.GetProperty("attempts").GetInt32());
            Assert.Contains("40125", state.GetProperty("error").GetString());
        }

        var warning = Assert.Single(server.Logs.Lines, l => l.Contains(" 4111 "));
        Assert.StartsWith("Warning ", warning);
        Assert.Contains("acme", warning);
        Assert.Contains("AppSecret", warning);
        Assert.Contains("invalid appsecret", warning);
        Assert.DoesNotContain(AppSecret, warning);
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains(" 4104 "));
        Assert.Empty(Api.Messages.TemplateMessages);

        Api.TokenError = null;
        foreach (var id in ids)
        {
            Assert.Equal("sent", await WaitForStatusAsync(client, id, "sent", "failed", "unknown"));
            Assert.Equal(1, (await GetAsync(client, "acme", id)).GetProperty("attempts").GetInt32());
        }

        Assert.Equal(2, Api.Messages.TemplateMessages.Count);
        Assert.Single(server.Logs.Lines, l => l.Contains(" 4111 "));
        Assert.Single(server.Logs.Lines, l => l.Contains(" 4112 "));
    }
}
