using System.Text.Json;
using BrandBot.Commands;
using BrandBot.Protocol.Simulation;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Cli;

/// <summary>The operator verbs against a real Redis, and statistics counted by a real server.</summary>
public sealed class RedisCliAndStatsTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private string _settings = "";

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _settings = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(_settings)!);
        await File.WriteAllTextAsync(_settings, JsonSerializer.Serialize(new { BrandBot = new { Redis = _redis.Configuration } }));
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task PublishDiffHistoryRollbackExport_RoundTrip()
    {
        var v1 = TestAccounts.WriteRules("rules:\n  - { name: hours, keywords: [ equal: \"hours\" ], replies: [ text: \"9-21\" ] }\n");
        var v2 = TestAccounts.WriteRules("# second\nrules:\n  - { name: hours, keywords: [ equal: \"hours\" ], replies: [ text: \"8-22\" ] }\n  - { name: vip, keywords: [ equal: \"vip\" ], replies: [ text: \"vip\" ] }\n");

        var (code, output, _) = await RunAsync("publish", v1, "--account", "acme", "--by", "alice", "--message", "first");
        Assert.Equal(0, code);
        Assert.Contains("published version 1", output);

        (code, output, _) = await RunAsync("diff", v2, "--account", "acme");
        Assert.Equal(0, code);
        Assert.Contains("against live version 1", output);
        Assert.Contains("+ vip", output);
        Assert.Contains("~ hours", output);

        (code, output, _) = await RunAsync("diff", v2, "--account", "acme", "--json");
        Assert.Equal(0, code);
        using (var diff = JsonDocument.Parse(output))
        {
            Assert.Equal(1, diff.RootElement.GetProperty("live").GetInt64());
            Assert.Equal(["vip"], diff.RootElement.GetProperty("added").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["hours"], diff.RootElement.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        }

        (code, _, _) = await RunAsync("publish", v2, "--account", "acme", "--by", "bob");
        Assert.Equal(0, code);

        (code, output, _) = await RunAsync("export", "--account", "acme");
        Assert.Equal(0, code);
        Assert.Equal(await File.ReadAllTextAsync(v2), output);

        // Asked first, with the changes shown: anything but yes writes nothing.
        (code, output, var refused) = await RunWithAnswerAsync("no", "rollback", "--account", "acme", "--to", "1", "--by", "carol");
        Assert.Equal(1, code);
        Assert.Contains("from live version 2 to the content of version 1", output);
        Assert.Contains("- vip", output);
        Assert.Contains("~ hours", output);
        Assert.Contains("pass --yes", refused);
        Assert.Contains("against live version 2", (await RunAsync("diff", v2, "--account", "acme")).Output);

        (code, output, _) = await RunWithAnswerAsync("yes", "rollback", "--account", "acme", "--to", "1", "--by", "carol");
        Assert.Equal(0, code);
        Assert.Contains("type yes to roll back", output);
        Assert.Contains("live as version 3", output);
        Assert.Contains("removed: vip", output);

        // The same content again writes nothing: no version 4.
        (code, output, _) = await RunAsync("publish", v1, "--account", "acme", "--by", "dave");
        Assert.Equal(0, code);
        Assert.Contains("no changes", output);
        (code, output, _) = await RunAsync("rollback", "--account", "acme", "--to", "1", "--yes");
        Assert.Equal(0, code);
        Assert.Contains("no changes", output);

        (code, output, _) = await RunAsync("history", "--account", "acme");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("1 ", StringComparison.Ordinal) && l.Contains("alice") && l.Contains("first"));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("3*", StringComparison.Ordinal) && l.Contains("carol") && l.Contains("rollback"));

        (code, output, _) = await RunAsync("history", "--account", "acme", "--json");
        Assert.Equal(0, code);
        using (var history = JsonDocument.Parse(output))
        {
            Assert.Equal(3, history.RootElement.GetProperty("live").GetInt64());
            var versions = history.RootElement.GetProperty("versions").EnumerateArray().ToList();
            Assert.Equal([1L, 2L, 3L], versions.Select(v => v.GetProperty("version").GetInt64()).Order());
            var third = versions.Single(v => v.GetProperty("version").GetInt64() == 3);
            Assert.Equal("carol", third.GetProperty("by").GetString());
            Assert.Equal("rollback", third.GetProperty("action").GetString());
            Assert.True(third.GetProperty("live").GetBoolean());
            Assert.Equal(["vip"], third.GetProperty("removed").EnumerateArray().Select(e => e.GetString()));
        }

        (code, output, _) = await RunAsync("test", "--settings", _settings, "--account", "acme", "hours");
        Assert.Contains("live version 3", output);
        Assert.Contains("9-21", output);
    }

    [Fact]
    public async Task Publish_FileWithErrors_IsRefusedWithLinesAndLiveIsUnchanged()
    {
        var good = TestAccounts.WriteRules("rules:\n  - { name: a, keywords: [ equal: \"a\" ], replies: [ text: \"a\" ] }\n");
        var bad = TestAccounts.WriteRules("rules:\n  - name: a\n    keywords: [ regex: \"(\" ]\n    replies: [ text: \"a\" ]\n");
        await RunAsync("publish", good, "--account", "acme");

        var (code, _, error) = await RunAsync("publish", bad, "--account", "acme");

        Assert.Equal(1, code);
        Assert.Contains($"{bad}:line 3: error:", error);
        Assert.Contains("live version is unchanged", error);
        Assert.Contains("live version 1", (await RunAsync("diff", good, "--account", "acme")).Output);
    }

    [Fact]
    public async Task StoreVerbs_WithoutRedis_ExplainWhatIsNeeded()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Commands.Cli.RunAsync(["rules", "history", "--account", "acme"], output, error);
        Assert.Equal(2, code);
        Assert.Contains("BrandBot:Redis", error.ToString());
    }

    [Fact]
    public async Task ServerCountsHitsFollowsScenesAndUnanswered_WithoutOpenIds_AndStatsPrintsThem()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Redis"] = _redis.Configuration;
        await using (var server = await TestServer.StartAsync(settings))
        {
            // The server's clock is fixed, so count against its day.
            await Wire.PushAsync(server.Client, Wire.Text("hours"), PushMode.Safe);
            await Wire.PushAsync(server.Client, Wire.Text("营业时间?"), PushMode.Safe);
            await Wire.PushAsync(server.Client, Wire.Event("CLICK", "HOURS"));
            await Wire.PushAsync(server.Client, Wire.Event("subscribe", "qrscene_poster-2026"));
            await Wire.PushAsync(server.Client, Wire.Event("subscribe"));
            await Wire.PushAsync(server.Client, Wire.Event("unsubscribe"));
            await Wire.PushAsync(server.Client, Wire.Text("Where is the  PARKING?"));
            await Wire.PushAsync(server.Client, Wire.Text("where is the parking?"));

            var stats = (BrandBot.Rules.Stats.IHitStats)server.Services.GetService(typeof(BrandBot.Rules.Stats.IHitStats))!;
            var day = BrandBot.Rules.Stats.StatsDay.Of(server.Time.GetUtcNow(), TimeSpan.FromHours(8));
            BrandBot.Rules.Stats.DailyStats today = null!;
            for (var i = 0; i < 50; i++)
            {
                today = await stats.ReadAsync("acme", day);
                if (today.TopUnanswered.Count > 0 && today.Unfollows > 0)
                {
                    break;
                }

                await Task.Delay(50);
            }

            Assert.Equal(3, today.RuleHits["hours"]);
            Assert.Equal(2, today.Follows);
            Assert.Equal(1, today.Unfollows);
            Assert.Equal(1, today.SceneFollows["poster-2026"]);
            Assert.Equal(new KeyValuePair<string, long>("where is the parking?", 1), today.TopUnanswered[0]);

            var metrics = await server.Client.GetStringAsync("/metrics");
            Assert.Contains("brandbot_rule_hits_total{account=\"acme\",rule=\"hours\"} 3", metrics);
            Assert.Contains("brandbot_follows_total{account=\"acme\",scene=\"poster-2026\"} 1", metrics);
            Assert.Contains("brandbot_unfollows_total{account=\"acme\"} 1", metrics);
            Assert.Contains("brandbot_unanswered_total{account=\"acme\"} 2", metrics);
            Assert.Contains("brandbot_pushes_total{account=\"acme\",mode=\"aes\",outcome=\"reply\"} 2", metrics);
        }

        // Nothing stored anywhere in Redis carries the follower's OpenID.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var server0 = connection.GetServer(connection.GetEndPoints()[0]);
        await foreach (var key in server0.KeysAsync(pattern: "*"))
        {
            Assert.DoesNotContain(TestAccounts.OpenId, (string)key!);
            var type = await connection.GetDatabase().KeyTypeAsync(key);
            var dump = type switch
            {
                RedisType.Hash => string.Join(",", (await connection.GetDatabase().HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}")),
                RedisType.SortedSet => string.Join(",", (await connection.GetDatabase().SortedSetRangeByRankAsync(key)).Select(v => (string)v!)),
                RedisType.List => string.Join(",", (await connection.GetDatabase().ListRangeAsync(key)).Select(v => (string)v!)),
                _ => (string?)await connection.GetDatabase().StringGetAsync(key) ?? "",
            };
            Assert.DoesNotContain(TestAccounts.OpenId, dump);
        }
    }

    [Fact]
    public async Task Stats_PrintsWhatAServerCounted_AsATableAndAsJson()
    {
        // The verb reads today's figures, so this server keeps the real clock and signs with it.
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Redis"] = _redis.Configuration;
        settings["BrandBot:ReplayWindowSeconds"] = "0";
        await using (var server = await TestServer.StartAsync(settings, realClock: true))
        {
            await Wire.PushAsync(server.Client, Wire.Text("hours"));
            await Wire.PushAsync(server.Client, Wire.Text("hours"));
            await Wire.PushAsync(server.Client, Wire.Event("subscribe", "qrscene_poster-2026"));
            await Wire.PushAsync(server.Client, Wire.Text("where is the parking?"));
        }

        // Stopping the server wrote its tally.
        var (code, output, _) = await RunAsync("stats", "--account", "acme", "--days", "2", "--json");
        Assert.Equal(0, code);
        using var stats = JsonDocument.Parse(output);
        var root = stats.RootElement;
        Assert.Equal(2, root.GetProperty("daily").GetArrayLength());
        Assert.Equal(1, root.GetProperty("daily")[1].GetProperty("follows").GetInt64());
        Assert.Equal(2, root.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("rule").GetString() == "hours").GetProperty("hits").GetInt64());
        Assert.Equal(1, root.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("scene").GetString() == "poster-2026").GetProperty("follows").GetInt64());
        Assert.Equal("where is the parking?", root.GetProperty("unanswered")[0].GetProperty("text").GetString());

        (code, output, _) = await RunAsync("stats", "--account", "acme", "--days", "2");
        Assert.Equal(0, code);
        Assert.Contains("hits per rule:\n        2  hours", output.ReplaceLineEndings("\n"));
        // scene, scans, follows, unfollows, net
        Assert.Matches(@"poster-2026\s+1\s+1\s+0\s+1\s", output);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunWithAnswerAsync("", args);

    /// <param name="answer">What the operator types when a verb asks (nothing: the input is at its end).</param>
    private async Task<(int Code, string Output, string Error)> RunWithAnswerAsync(string answer, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var withSettings = args.Contains("--settings") ? args : [.. args, "--settings", _settings];
        var code = await Commands.Cli.RunAsync(["rules", .. withSettings], output, error, new StringReader(answer));
        return (code, output.ToString(), error.ToString());
    }
}
