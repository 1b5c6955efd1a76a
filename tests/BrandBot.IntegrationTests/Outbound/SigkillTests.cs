using BrandBot.IntegrationTests.Deploy;

namespace BrandBot.IntegrationTests.Outbound;

/// <summary>A queued message outlives the instance that was sending it (docs/outbound-messages.md#exactly-once).</summary>
public sealed class SigkillTests : OutboundFixture
{
    [Fact]
    public async Task SendingInstanceKilledBeforeTheCall_AnotherInstanceSendsItOnce()
    {
        var webhookFollower = Follower;
        int apiA = Ports.Free(), apiB = Ports.Free();
        await using var a = await StartAsync(apiA);
        using var clientA = ApiClient(apiA);

        // The follower writes, so a customer-service message may go out; then the token call hangs, so
        // A's sender holds the message, leased, without having called WeChat.
        await FollowerWritesAsync(a);
        Api.TokenDelay = TimeSpan.FromSeconds(60);
        var id = await ExactlyOnceTests.PostUntilAcceptedAsync(clientA, Text("Your gate changed to B12", webhookFollower), "kill-1");
        await TestHelpers.EventuallyAsync(() => Api.TokenCalls > 0, TimeSpan.FromSeconds(10));
        Assert.Equal("sending", (await GetAsync(clientA, "acme", id)).GetProperty("status").GetString());

        a.Process.Kill(); // SIGKILL
        await a.Process.WaitForExitAsync();
        Api.TokenDelay = TimeSpan.Zero;
        Assert.Empty(Api.Sends);

        await using var b = await StartAsync(apiB);
        using var clientB = ApiClient(apiB);
        Assert.Equal("sent", await WaitForStatusAsync(clientB, id, "sent", "unknown", "failed"));
        await Task.Delay(TimeSpan.FromSeconds(5)); // past another lease: nobody sends it again
        var sent = Assert.Single(Api.Sends);
        Assert.Equal("Your gate changed to B12", FakeWeChatApi.Text(sent.Body));
        Assert.Equal(1, (await GetAsync(clientB, "acme", id)).GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task EveryInstanceKilled_QueuedMessagesAreSentAfterARestart()
    {
        var apiPort = Ports.Free();
        Api.TokenDelay = TimeSpan.FromSeconds(60);
        await using var a = await StartAsync(apiPort);
        using var client = ApiClient(apiPort);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await PostAsync(client, "/api/v1/acme/messages", Template(template: $"TPL-{i + 1:00}"), $"restart-{i}")).Body.GetProperty("id").GetString()!);
        }

        a.Process.Kill();
        await a.Process.WaitForExitAsync();
        Api.TokenDelay = TimeSpan.Zero;
        Assert.Equal(0, Api.Messages.TemplateCalls);

        await using var again = await StartAsync(apiPort);
        foreach (var id in ids)
        {
            await WaitForStatusAsync(client, id, "sent");
        }

        Assert.Equal(10, Api.Messages.TemplateMessages.Count);
        Assert.Equal(10, Api.Messages.TemplateMessages.Select(m => m.Body.GetProperty("template_id").GetString()).Distinct().Count());
    }

    /// <summary>BrandBot as its own process (so it can be SIGKILLed), on this Redis and fake, its API on <paramref name="apiPort"/>.</summary>
    private Task<ContainerProcess> StartAsync(int apiPort)
    {
        var environment = ApiSettings(apiPort).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");
        var secrets = new Dictionary<string, string>
        {
            ["BrandBot__Api__Keys__0__Key"] = environment["BrandBot__Api__Keys__0__Key"],
            ["BrandBot__Api__Keys__1__Key"] = environment["BrandBot__Api__Keys__1__Key"],
        };
        environment.Remove("BrandBot__Api__Keys__0__Key");
        environment.Remove("BrandBot__Api__Keys__1__Key");
        return ContainerProcess.StartAsync(environment, secrets);
    }

    private static Task FollowerWritesAsync(ContainerProcess bot)
    {
        var xml = Wire.Text("hours", openId: Follower);
        return Wire.PushAsync(bot.Client, xml, account: "acme", timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }
}
