using Microsoft.Extensions.Options;

namespace BrandBot.IntegrationTests.Outbound;

/// <summary>The API's settings are checked at start-up, one line per problem; the embedded queue says it is in memory.</summary>
public sealed class ApiStartupTests : OutboundFixture
{
    [Fact]
    public async Task BadApiSettings_FailStartupWithOneLineEach_NeverShowingAKey()
    {
        var settings = ApiSettings(Ports.Free());
        settings["BrandBot:Api:Keys:0:Key"] = "short-secret";
        settings["BrandBot:Api:Keys:1:Accounts:0"] = "nobody";
        settings["BrandBot:Api:Keys:1:Name"] = "backend";
        settings["BrandBot:Outbound:LeaseSeconds"] = "60";
        settings["BrandBot:Outbound:WindowMessages"] = "-1";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(settings));

        var failures = ex.Failures.ToList();
        Assert.Contains("BrandBot:Api:Keys:0:Key must be at least 24 characters", failures);
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Api:Keys:1:Accounts names 'nobody'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Api:Keys:1:Name 'backend' is used", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Outbound:LeaseSeconds must be", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Outbound:WindowMessages must be", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("short-secret", StringComparison.Ordinal) || f.Contains(OtherKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiOnTheWebhooksPort_IsAStartupProblem()
    {
        var settings = ApiSettings(Ports.Free());
        settings["BrandBot:Api:Keys:1:Key"] = Key;
        settings["BrandBot:Api:Urls"] = "http://127.0.0.1";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(settings));

        Assert.Contains(ex.Failures, f => f.StartsWith("BrandBot:Api:Urls entry 'http://127.0.0.1' needs an explicit, fixed port", StringComparison.Ordinal));
        Assert.Contains("BrandBot:Api:Keys:1:Key is the same as another key's", ex.Failures);
    }

    [Fact]
    public async Task EmbeddedStore_WarnsOnceThatTheQueueIsInMemory_AndStillSends()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port, redis: false), realClock: true);
        using var client = ApiClient(port);

        var id = (await PostAsync(client, "/api/v1/acme/messages", Template(), "embedded-1")).Body.GetProperty("id").GetString()!;

        Assert.Equal("sent", await WaitForStatusAsync(client, id, "sent"));
        Assert.Single(server.Logs.Lines, l => l.Contains("queued in this process's memory", StringComparison.Ordinal));
        var again = await PostAsync(client, "/api/v1/acme/messages", Template(), "embedded-1");
        Assert.Equal(id, again.Body.GetProperty("id").GetString());
        Assert.Equal(1, Api.Messages.TemplateCalls);
    }
}
