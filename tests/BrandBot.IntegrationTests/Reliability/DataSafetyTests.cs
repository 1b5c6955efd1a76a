using System.Diagnostics;
using System.Text;
using BrandBot.IntegrationTests.Deploy;
using BrandBot.Protocol.Simulation;
using BrandBot.Redis;
using BrandBot.Rules.Store;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Reliability;

/// <summary>Nothing accepted is left half-written by a shutdown or an interrupted publish.</summary>
public sealed class DataSafetyTests
{
    [Fact]
    public async Task Sigterm_WritesEveryCountedFollowBeforeExiting()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var bot = await ContainerProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["BrandBot__Redis"] = redis.Configuration,
                ["BrandBot__Accounts__0__Name"] = "acme",
                ["BrandBot__Accounts__0__AppId"] = TestAccounts.AppId,
                ["BrandBot__Accounts__0__RulesFile"] = TestAccounts.WriteRules("follow:\n  replies: [ text: \"welcome\" ]\n"),
            },
            new Dictionary<string, string> { ["BrandBot__Accounts__0__Token"] = TestAccounts.Token });

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (var i = 0; i < 25; i++)
        {
            var push = SignedPush.Create(TestAccounts.Token, null, null, PushMode.Plain, SampleMessages.Event(TestAccounts.Gh, $"o-safety-{i}", now, "subscribe"), now, "1", Wire.Prefix);
            Assert.Contains("welcome", (await Wire.PostAsync(bot.Client, $"/wechat/acme?{push.Query}", push.Body)).Text);
        }

        // At once, before the once-a-second flush: only the shutdown flush can have written them.
        bot.Terminate();
        await bot.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var today = DateOnly.FromDateTime((DateTimeOffset.UtcNow + TimeSpan.FromHours(8)).UtcDateTime);
        Assert.Equal(25, (await new RedisHitStats(connection, TimeProvider.System, TimeSpan.FromHours(8)).ReadAsync("acme", today)).Follows);
    }

    [Fact]
    public async Task PublishKilledMidway_LeavesThePreviousVersionLive()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var store = new RedisRuleStore(connection);
        await new RulePublisher(store, TimeProvider.System).PublishAsync("acme", "default:\n  replies: [ text: \"v1\" ]\n", "test", "v1");

        // A big file keeps the verb busy validating and compiling; it is killed at several moments.
        var big = new StringBuilder("default:\n  replies: [ text: \"v2\" ]\nrules:\n");
        for (var i = 0; i < 60_000; i++)
        {
            big.Append("  - { name: r").Append(i).Append(", keywords: [ equal: \"kw").Append(i).Append("\" ], replies: [ text: \"a").Append(i).Append("\" ] }\n");
        }

        var file = TestAccounts.WriteRules(big.ToString());
        var settings = Path.Combine(Path.GetDirectoryName(file)!, "settings.json");
        File.WriteAllText(settings, $$"""{ "BrandBot": { "Redis": "{{redis.Configuration}}", "Accounts": [ { "Name": "acme", "Token": "t" } ] } }""");

        var versions = new List<long>();
        foreach (var after in new[] { 300, 900, 1800 })
        {
            var info = new ProcessStartInfo("dotnet", $"{Path.Combine(AppContext.BaseDirectory, "BrandBot.dll")} rules publish {file} --account acme --settings {settings} --by killed")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var publish = Process.Start(info)!;
            await Task.Delay(after);
            if (!publish.HasExited)
            {
                publish.Kill();
            }

            await publish.WaitForExitAsync();

            // Either nothing happened or everything did: never a version without its audit, never a half-written current.
            var version = await store.GetCurrentVersionAsync("acme");
            var current = await store.GetCurrentAsync("acme");
            Assert.NotNull(current);
            Assert.Equal(version, (await store.GetHistoryAsync("acme")).Count);
            Assert.Contains(version == 1 ? "text: \"v1\"" : "text: \"v2\"", current!.Yaml[..Math.Min(60, current.Yaml.Length)]);
            versions.Add(version);
        }

        // The first kill (300 ms, still reading the file) lands before any commit: version 1 stayed live.
        Assert.Equal(1, versions[0]);
    }
}
