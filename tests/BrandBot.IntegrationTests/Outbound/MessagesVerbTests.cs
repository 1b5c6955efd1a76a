using System.Text.Json;

namespace BrandBot.IntegrationTests.Outbound;

/// <summary><c>brandbot messages send|status|list</c> against a real Redis, and a server that sends what they queue.</summary>
public sealed class MessagesVerbTests : OutboundFixture
{
    [Fact]
    public async Task SendStatusList_QueueOnceAndShowTheMaskedResult()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        var settings = Path.Combine(Directory.CreateTempSubdirectory("brandbot-verbs-").FullName, "settings.json");
        File.WriteAllText(settings, $$"""{ "BrandBot": { "Redis": "{{Redis.Configuration}}", "Accounts": [ { "Name": "acme", "Token": "t" } ] } }""");

        var (code, output, _) = await RunAsync("messages", "send", "--settings", settings, "--account", "acme", "--to", Follower, "--template", "TPL-03", "--data", "keyword1=Gate B12", "--key", "ops-1");
        Assert.Equal(0, code);
        var id = output.Split(' ')[1];
        Assert.StartsWith("msg_", id);
        var again = await RunAsync("messages", "send", "--settings", settings, "--account", "acme", "--to", Follower, "--template", "TPL-03", "--data", "keyword1=Gate B12", "--key", "ops-1");
        Assert.Equal((0, true), (again.Code, again.Output.Contains($"already queued as {id}")));

        using var client = ApiClient(port);
        Assert.Equal("sent", await WaitForStatusAsync(client, id, "sent", "failed"));
        var status = await RunAsync("messages", "status", id, "--settings", settings, "--account", "acme", "--json");
        Assert.Equal(0, status.Code);
        var state = JsonDocument.Parse(status.Output).RootElement;
        Assert.Equal("sent", state.GetProperty("status").GetString());
        Assert.Equal("o9Ag…01", state.GetProperty("to").GetString());
        Assert.DoesNotContain(Follower, status.Output);
        var plain = await RunAsync("messages", "status", id, "--settings", settings, "--account", "acme");
        Assert.Matches(@"created \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  sent \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", plain.Output);

        var list = await RunAsync("messages", "list", "--settings", settings, "--account", "acme", "--status", "sent");
        Assert.Equal(0, list.Code);
        Assert.Contains(id, list.Output);
        Assert.Matches(@" \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC ", list.Output);
        Assert.DoesNotContain(Follower, list.Output);
        Assert.Single(Api.Messages.TemplateMessages);
    }

    [Theory]
    [InlineData("messages", "send", "--account", "acme", "--to", "o1", "--text", "a", "--template", "T")]
    [InlineData("messages", "send", "--account", "acme", "--to", "o1", "--text", "a", "--key", "bad key")]
    [InlineData("messages", "list", "--account", "acme", "--status", "lost")]
    [InlineData("messages", "status", "--account", "acme")]
    public async Task Mistakes_AreOneLineAndExit2(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
    }

    [Theory]
    [InlineData("status", "msg_0123")]
    [InlineData("list")]
    public async Task AnAccountNotInTheSettings_IsOneLineAndExit2_NotAnEmptyAnswer(params string[] verb)
    {
        var settings = Path.Combine(Directory.CreateTempSubdirectory("brandbot-verbs-").FullName, "settings.json");
        File.WriteAllText(settings, $$"""{ "BrandBot": { "Redis": "{{Redis.Configuration}}", "Accounts": [ { "Name": "acme", "Token": "t" } ] } }""");

        var (code, output, error) = await RunAsync(["messages", .. verb, "--settings", settings, "--account", "acmee"]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("error: no account named 'acmee' in the settings (BrandBot:Accounts:N:Name)", error.Trim());
    }

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        var (code, output, _) = await RunAsync("messages", "--help");
        Assert.Equal(0, code);
        Assert.Contains("send", output);
        Assert.Contains("status", output);
        Assert.Contains("list", output);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Commands.Cli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
