using BrandBot.IntegrationTests.Deploy;
using BrandBot.Protocol.Simulation;

namespace BrandBot.IntegrationTests.Reliability;

/// <summary>SIGTERM (docker stop, a rolling update): stop accepting, finish pushes in flight, exit 0.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_FinishesThePushInFlight_ThenExitsCleanly()
    {
        await using var backend = await FakeBackend.StartAsync();
        backend.Behaviour = _ => (TimeSpan.FromMilliseconds(1500), 200, """{"text": "computed before shutdown"}""");
        var rules = TestAccounts.WriteRules($$"""
            rules:
              - name: slow
                keywords: [ equal: "slow" ]
                replies: [ webhook: { url: "{{backend.BaseUrl}}/hook", timeoutMs: 3000 } ]
                fallback: [ text: "fallback" ]
            """);
        await using var bot = await ContainerProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["BrandBot__Accounts__0__Name"] = "acme",
                ["BrandBot__Accounts__0__AppId"] = TestAccounts.AppId,
                ["BrandBot__Accounts__0__RulesFile"] = rules,
            },
            new Dictionary<string, string> { ["BrandBot__Accounts__0__Token"] = TestAccounts.Token, ["BrandBot__Accounts__0__EncodingAESKey"] = TestAccounts.Key });

        var push = SignedPush.Create(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, PushMode.Safe, Wire.Text("slow"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "1", Wire.Prefix);
        var inFlight = Wire.PostAsync(bot.Client, $"/wechat/acme?{push.Query}", push.Body);
        await TestHelpers.EventuallyAsync(() => backend.Calls == 1, TimeSpan.FromSeconds(10));
        bot.Terminate();

        var answer = await inFlight;
        Assert.Contains("computed before shutdown", SignedPush.DecodeReply(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, null, answer.Body));
        await bot.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, bot.Process.ExitCode);
        Assert.False(await Ports.AcceptsAsync(bot.Port));
    }
}
