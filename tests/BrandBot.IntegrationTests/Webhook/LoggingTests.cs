using BrandBot.Protocol.Simulation;

namespace BrandBot.IntegrationTests.Webhook;

public class LoggingTests
{
    [Fact]
    public async Task Logs_NeverContainOpenIdMessageTextOrSecrets()
    {
        var file = TestAccounts.WriteRules(TestAccounts.Rules);
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(file));

        await Wire.PushAsync(server.Client, Wire.Text("hours secret-question-text"), PushMode.Safe);
        await Wire.PushAsync(server.Client, Wire.Text("hours"), PushMode.Plain);
        await Wire.PushAsync(server.Client, Wire.Text("hours"), PushMode.Safe, encodingAesKey: TestAccounts.PreviousKey);
        await Wire.PostAsync(server.Client, "/wechat/acme?signature=bad&timestamp=1&nonce=2", "<xml/>"u8.ToArray());

        var all = string.Join("\n", server.Logs.Lines);
        Assert.Contains(" 1002 ", all); // the debug line per push was written…
        Assert.Contains("f:", all);     // …with the follower as a keyed hash
        Assert.DoesNotContain(TestAccounts.OpenId, all);
        Assert.DoesNotContain("secret-question-text", all);
        Assert.DoesNotContain(TestAccounts.Token, all);
        Assert.DoesNotContain(TestAccounts.Key, all);
        Assert.DoesNotContain(TestAccounts.PreviousKey, all);
    }
}
