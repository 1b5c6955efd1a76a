using System.Diagnostics;
using BrandBot.Broadcasts;
using BrandBot.Broadcasts.Sending;
using BrandBot.FakeWeChat;
using BrandBot.Protocol.Simulation;
using BrandBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace BrandBot.IntegrationTests.Broadcasts;

/// <summary>
/// docs/broadcasts.md: a sender killed between WeChat's acceptance and its own state write, job results
/// pushed twice or never, unfollows attributed to the right broadcast and window, and the verbs that must
/// not send — plan, a bad file, preview.
/// </summary>
public sealed class BroadcastResultTests : RedisAndFakeWeChat
{
    [Fact]
    public async Task SenderKilledBetweenAcceptanceAndStateWrite_ReRunAdopts45065_OneJob()
    {
        var fakeClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Api.Broadcasts.Clock = fakeClock;
        var followers = BroadcastRig.Followers(Api, "k", 3);
        var folder = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "kill.yaml");
        File.WriteAllText(file, $"id: kill-1\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent: {{ text: \"flash sale\" }}\n");
        var settings = Path.Combine(folder, "settings.json");
        File.WriteAllText(settings, $$"""
            { "BrandBot": { "Redis": "{{Redis.Configuration}}", "WeChatApiBaseUrl": "{{Api.BaseUrl}}", "Broadcasts": { "SubmitTimeoutSeconds": 120, "LeaseSeconds": 30 },
              "Accounts": [ { "Name": "acme", "Token": "t", "AppId": "{{TestAccounts.AppId}}", "AppSecret": "{{AppSecret}}" } ] } }
            """);

        // WeChat accepts and never answers; the sender is killed while it waits, before it can write the msg_id.
        Api.Broadcasts.HangNextSubmissions = 1;
        using (var sender = Start($"broadcast send {file} --account acme --settings {settings}"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Api.Broadcasts.Jobs.IsEmpty && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.Single(Api.Broadcasts.Jobs);
            sender.Kill();
            await sender.WaitForExitAsync();
        }

        // The killed sender's lease runs out first (no one else may act on the broadcast while it holds it).
        await Task.Delay(TimeSpan.FromSeconds(31));
        fakeClock.Advance(TimeSpan.FromSeconds(61));
        using var rerun = Start($"broadcast send {file} --account acme --settings {settings}");
        var output = await rerun.StandardOutput.ReadToEndAsync();
        await rerun.WaitForExitAsync();
        Assert.True(rerun.ExitCode == 0, output + await rerun.StandardError.ReadToEndAsync());
        Assert.Single(Api.Broadcasts.Jobs);
        Assert.True(output.Contains("adopted from 45065", StringComparison.Ordinal), output);
        Assert.Contains($"msg_id {Api.Broadcasts.Jobs.Single().MsgId}", output);
    }

    [Fact]
    public async Task JobFinishPushedTwice_IsRecordedOnce_AndAJobWithoutAnEventIsPolled()
    {
        await using var server = await TestServer.StartAsync(SettingsFor(TestAccounts.WriteRules(TestAccounts.Rules)));
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, server.Time);
        Api.Broadcasts.Push = new JobFinishPush(new Uri(server.Client.BaseAddress!, "wechat/acme").ToString(), TestAccounts.Token, TestAccounts.AppId, TestAccounts.Gh, TestAccounts.Key);
        var followers = BroadcastRig.Followers(Api, "j", 2);

        Api.Broadcasts.Finish = FinishMode.Twice;
        await rig.SendAsync(BroadcastRig.File($"id: twice-1\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent: {{ text: \"one\" }}\n"));
        var status = await WaitAsync(() => rig.Status.GetAsync("acme", "twice-1"), s => s!.Total is not null);
        Assert.Equal((2, 2, 2, 0), (status!.Total, status.Filtered, status.Sent, status.Errors));
        var msgId = status.Batches[0].MsgId!;
        var stored = await rig.Store.FinishesAsync("acme", [msgId]);
        // A later copy with other counts does not replace the first.
        Assert.False(await rig.Store.RecordFinishAsync("acme", stored[msgId] with { Sent = 0, At = stored[msgId].At.AddMinutes(1) }));
        Assert.Equal(stored[msgId], (await rig.Store.FinishesAsync("acme", [msgId]))[msgId]);

        Api.Broadcasts.Finish = FinishMode.Drop;
        await rig.SendAsync(BroadcastRig.File($"id: dropped-1\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent: {{ text: \"two\" }}\n"));
        server.Time.Advance(TimeSpan.FromMinutes(11));
        await rig.Scheduler.TickAsync("test", default);
        var polled = (await rig.Status.GetAsync("acme", "dropped-1"))!;
        Assert.Equal(BroadcastStates.Finished, polled.State);
        Assert.Null(polled.Total);
        Assert.Contains("counts unknown", polled.Batches[0].Result);
    }

    [Fact]
    public async Task UnfollowsAtTwoHoursAndThreeDays_AreAttributedToTheLatestBroadcastInTheRightWindows()
    {
        await using var server = await TestServer.StartAsync(SettingsFor(TestAccounts.WriteRules(TestAccounts.Rules)));
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, server.Time);
        var f = BroadcastRig.Followers(Api, "u", 3);
        await rig.SendAsync(BroadcastRig.File($"id: first-1\naudience: {{ openids: [{f[0]}, {f[1]}] }}\ncontent: {{ text: \"first\" }}\n"));
        server.Time.Advance(TimeSpan.FromHours(2));
        await UnfollowAsync(server, f[0]);
        server.Time.Advance(TimeSpan.FromHours(22));
        await rig.SendAsync(BroadcastRig.File($"id: second-1\naudience: {{ openids: [{f[1]}, {f[2]}] }}\ncontent: {{ text: \"second\" }}\n"));
        // f[1] had both; it leaves 3 days after the second, 4 after the first: it counts for the second, in 7 d only.
        server.Time.Advance(TimeSpan.FromDays(3));
        await UnfollowAsync(server, f[1]);
        // f[2] leaves 8 days after the second: outside every window.
        server.Time.Advance(TimeSpan.FromDays(5));
        await UnfollowAsync(server, f[2]);

        var first = await WaitAsync(() => rig.Status.GetAsync("acme", "first-1"), s => s!.Unfollows7d > 0);
        var second = await WaitAsync(() => rig.Status.GetAsync("acme", "second-1"), s => s!.Unfollows7d > 0);
        await Task.Delay(1500);
        first = await rig.Status.GetAsync("acme", "first-1");
        second = await rig.Status.GetAsync("acme", "second-1");
        Assert.Equal((1, 1), (first!.Unfollows24h, first.Unfollows7d));
        Assert.Equal(0.5, first.UnfollowRate7d);
        Assert.Equal((0, 1), (second!.Unfollows24h, second.Unfollows7d));
        Assert.NotNull(first.BaselineDailyUnfollowRate);
    }

    [Fact]
    public async Task AnUnfollowWhileRedisIsAway_IsCountedOnceItIsBack_NotLost()
    {
        await using var redis = await RedisServer.StartAsync(persistent: true);
        var settings = SettingsFor(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Redis"] = redis.Configuration;
        await using var server = await TestServer.StartAsync(settings);
        await using var rig = await BroadcastRig.StartAsync(redis, Api, server.Time);
        var f = BroadcastRig.Followers(Api, "w", 2);
        await rig.SendAsync(BroadcastRig.File($"id: outage-1\naudience: {{ openids: [{f[0]}, {f[1]}] }}\ncontent: {{ text: \"outage\" }}\n"));
        server.Time.Advance(TimeSpan.FromHours(1));

        await redis.StopAsync();
        var now = server.Time.GetUtcNow().ToUnixTimeSeconds();
        var events = server.Services.GetRequiredService<BrandBot.Broadcasts.Results.BroadcastEvents>();
        await Wire.PushAsync(server.Client, SampleMessages.Event(TestAccounts.Gh, f[0], now, "unsubscribe"), PushMode.Safe, timestamp: now);
        // The service has tried (and failed) to write it at least once before Redis comes back.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await redis.RestartAsync();

        var status = await WaitAsync(() => rig.Status.GetAsync("acme", "outage-1"), s => s!.Unfollows7d > 0);
        await Task.Delay(1500);
        status = await rig.Status.GetAsync("acme", "outage-1");
        Assert.Equal((1, 1), (status!.Unfollows24h, status.Unfollows7d));
        Assert.Equal(0, events.Dropped);
    }

    [Fact]
    public async Task Plan_WritesNothing_AndEndsWithTheChangeCount()
    {
        var time = new FakeTimeProvider(TestServer.Now);
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, time);
        var followers = BroadcastRig.Followers(Api, "p", 3);
        var folder = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "cover.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        File.WriteAllBytes(Path.Combine(folder, "inside.jpg"), [0xFF, 0xD8, 0xFF, 4, 5, 6]);
        File.WriteAllText(Path.Combine(folder, "spring.md"), "# Spring\n\n![inside](inside.jpg)\n\n[shop](https://example.com/shop)\n");
        var path = Path.Combine(folder, "b.yaml");
        File.WriteAllText(path, $"id: plan-1\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent:\n  articles:\n    - {{ title: Spring sale, cover: cover.png, body: spring.md }}\n");
        var settings = Path.Combine(folder, "settings.json");
        File.WriteAllText(settings, $$"""
            { "BrandBot": { "Redis": "{{Redis.Configuration}}", "WeChatApiBaseUrl": "{{Api.BaseUrl}}",
              "Accounts": [ { "Name": "acme", "Token": "t", "AppId": "{{TestAccounts.AppId}}", "AppSecret": "{{AppSecret}}" } ] } }
            """);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var keysBefore = await KeysAsync(redis);

        using var plan = Start($"broadcast plan {path} --account acme --settings {settings}");
        var output = await plan.StandardOutput.ReadToEndAsync();
        await plan.WaitForExitAsync();

        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("bb:plan-1:1:", output);
        Assert.EndsWith("4 changes", output.TrimEnd());
        Assert.Empty(Api.Broadcasts.Jobs);
        Assert.Empty(Api.Broadcasts.Uploads);
        Assert.Equal(keysBefore, await KeysAsync(redis));
    }

    [Fact]
    public async Task BadFile_IsRefusedWithItsLine_BeforeAnyCall()
    {
        var folder = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "bad.yaml");
        File.WriteAllText(path, "id: bad-1\naudience: { tag: vip }\ncontent:\n  articles:\n    - { title: \"A title far longer than WeChat's thirty-two characters\", cover: none.png, body: none.md }\n");
        var settings = Path.Combine(folder, "settings.json");
        File.WriteAllText(settings, $$"""{ "BrandBot": { "Redis": "{{Redis.Configuration}}", "WeChatApiBaseUrl": "{{Api.BaseUrl}}", "Accounts": [ { "Name": "acme", "Token": "t", "AppId": "{{TestAccounts.AppId}}", "AppSecret": "{{AppSecret}}" } ] } }""");

        using var send = Start($"broadcast send {path} --account acme --settings {settings}");
        var error = await send.StandardError.ReadToEndAsync();
        await send.WaitForExitAsync();

        Assert.Equal(1, send.ExitCode);
        Assert.Contains("bad.yaml:line 5: error: title must be 1 to 32 characters", error);
        Assert.Contains("bad.yaml:line 5: error: cover 'none.png' does not exist", error);
        Assert.Contains("nothing planned or sent", error);
        Assert.Equal(0, Api.TokenCalls);
        Assert.Empty(Api.Broadcasts.Calls);
    }

    [Fact]
    public async Task Preview_ReachesOnlyTheTester_OncePerContent()
    {
        var time = new FakeTimeProvider(TestServer.Now);
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, time);
        var followers = BroadcastRig.Followers(Api, "v", 5);
        var file = BroadcastRig.File($"id: preview-1\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent: {{ text: \"draft text\" }}\npreview: [oTesterOpenId1]\n");

        var first = await rig.Desk.PreviewAsync(rig.Api, file, file.Preview, null, TextWriter.Null, default);
        var again = await rig.Desk.PreviewAsync(rig.Api, file, file.Preview, null, TextWriter.Null, default);
        var byName = await rig.Desk.PreviewAsync(rig.Api, file, [], "brand_tester", TextWriter.Null, default);

        Assert.Equal("oTes…d1: preview sent", first.Single()); // masked as everywhere else: first 4 and last 2
        Assert.Contains("already previewed", again.Single());
        Assert.StartsWith("oTes…d1: ", again.Single());
        Assert.Contains("preview sent", byName.Single());
        Assert.Equal(["oTesterOpenId1", "wx:brand_tester"], Api.Broadcasts.Previews.Select(p => p.To));
        Assert.Empty(Api.Broadcasts.Jobs);
        Assert.Empty(Api.Broadcasts.Calls);
        Assert.Null(await rig.Store.GetAsync("acme", "preview-1"));
    }

    private static async Task UnfollowAsync(TestServer server, string openId)
    {
        var now = server.Time.GetUtcNow().ToUnixTimeSeconds();
        var xml = SampleMessages.Event(TestAccounts.Gh, openId, now, "unsubscribe");
        var answer = await Wire.PushAsync(server.Client, xml, PushMode.Safe, timestamp: now);
        Assert.Equal(200, answer.Status);
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = await read();
        }

        Assert.True(done(value), "timed out waiting");
        return value;
    }

    private static async Task<List<string>> KeysAsync(IConnectionMultiplexer redis)
    {
        var keys = new List<string>();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: "*"))
        {
            keys.Add(key!);
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    private static Process Start(string arguments) => Process.Start(new ProcessStartInfo("dotnet", $"{Path.Combine(AppContext.BaseDirectory, "BrandBot.dll")} {arguments}")
    {
        UseShellExecute = false,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    })!;
}
