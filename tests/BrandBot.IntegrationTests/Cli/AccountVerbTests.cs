using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BrandBot.Commands;
using BrandBot.Redis;
using StackExchange.Redis;
using RedisServer = BrandBot.Testing.RedisServer;

namespace BrandBot.IntegrationTests.Cli;

/// <summary>
/// <c>account plan/apply/qr/import/history</c> (docs/account-as-code.md) as an operator runs them: the verbs in
/// process, a real redis-server, and the fake WeChat API on loopback.
/// </summary>
public sealed class AccountVerbTests : IAsyncLifetime
{
    private const string Rules = """
        menu:
          buttons:
            - name: "门店"
              key: STORES
            - name: "More"
              sub:
                - { name: "Opening hours", key: HOURS }
                - { name: "Website", url: "https://brand.example/" }
          byTag:
            vip:
              buttons: [ { name: "VIP", key: VIPKEY } ]
            spring:
              buttons: [ { name: "Spring", key: STORES } ]
        follow:
          scenes:
            poster-2026:
              qr: { permanent: true }
              tag: spring
              replies: [ text: "thanks" ]
            store-12:
              qr: { expires: 7d }
        rules:
          - { name: stores, menuKeys: [ STORES ], replies: [ text: "stores" ] }
          - { name: hours, menuKeys: [ HOURS ], replies: [ text: "hours" ] }
          - { name: vip, keywords: [ contain: "vip" ], menuKeys: [ VIPKEY ], tag: vip, replies: [ text: "vip" ] }
        """;

    private RedisServer _redis = null!;
    private FakeWeChatApi _api = null!;
    private string _settings = "";

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _api = await FakeWeChatApi.StartAsync();
        _settings = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(_settings)!);
        await File.WriteAllTextAsync(_settings, JsonSerializer.Serialize(new
        {
            BrandBot = new
            {
                Redis = _redis.Configuration,
                WeChatApiBaseUrl = _api.BaseUrl,
                Accounts = new[] { new { Name = "acme", AppId = TestAccounts.AppId, AppSecret = "secret-acme", Token = TestAccounts.Token } },
            },
        }));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Plan_WritesNothing_Apply_MakesThoseChanges_AndASecondApplyNone()
    {
        var file = TestAccounts.WriteRules(Rules);

        var (code, output, _) = await RunAsync("plan", file);
        Assert.Equal(0, code);
        Assert.Equal(0, _api.Account.WriteCalls);
        var lines = output.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Contains("  + tag 'spring'", lines);
        Assert.Contains("  + menu button 'More / Website': view https://brand.example/", lines);
        Assert.Contains("  + conditional menu for tag 'vip': 1 buttons", lines);
        Assert.Contains("  + code for scene 'poster-2026': permanent", lines);
        Assert.Contains("  + code for scene 'store-12': temporary, 7 days", lines);
        Assert.Equal("10 changes", lines[^1]);

        (code, output, _) = await RunAsync("apply", file, "--by", "alice");
        Assert.Equal(0, code);
        Assert.Contains("applied 10 changes", output);
        Assert.Equal(["门店", "More"], _api.Account.Menu!.Select(b => b!["name"]!.GetValue<string>()));
        // The file lists the strongest conditional menu first; WeChat matches the newest first.
        Assert.Equal(
            [_api.Account.TagId("spring")!.Value, _api.Account.TagId("vip")!.Value],
            _api.Account.Conditionals.Select(c => c.TagId));
        Assert.Equal(2, _api.Account.Codes.Count);
        var writes = _api.Account.WriteCalls;

        (code, output, _) = await RunAsync("apply", file);
        Assert.Equal(0, code);
        Assert.Equal("no changes", output.Trim());
        Assert.Equal(writes, _api.Account.WriteCalls);
        Assert.EndsWith("no changes", (await RunAsync("plan", file)).Output.Trim());

        (code, output, _) = await RunAsync("history", "--json");
        Assert.Equal(0, code);
        var applies = JsonDocument.Parse(output).RootElement.GetProperty("applies");
        var applied = Assert.Single(applies.EnumerateArray());
        Assert.Equal("alice", applied.GetProperty("by").GetString());
        Assert.Equal(10, applied.GetProperty("changes").GetArrayLength());
    }

    [Fact]
    public async Task ChangedMenu_IsPlannedButtonByButton_AndReappliedWithoutTouchingConditionalMenus()
    {
        await RunAsync("apply", TestAccounts.WriteRules(Rules));
        var conditionals = _api.Account.Conditionals.Select(c => c.MenuId).ToList();
        var changed = TestAccounts.WriteRules(Rules
            .Replace("{ name: \"Opening hours\", key: HOURS }", "{ name: \"Opening hours\", key: OPEN }")
            .Replace("- { name: hours, menuKeys: [ HOURS ]", "- { name: hours, menuKeys: [ OPEN ]"));

        var (code, output, _) = await RunAsync("plan", changed, "--json");
        Assert.Equal(0, code);
        var change = Assert.Single(JsonDocument.Parse(output).RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal(("~", "button 'More / Opening hours'", "click HOURS → click OPEN"),
            (change.GetProperty("sign").GetString(), change.GetProperty("target").GetString(), change.GetProperty("detail").GetString()));

        (code, _, _) = await RunAsync("apply", changed);
        Assert.Equal(0, code);
        Assert.Equal("OPEN", _api.Account.Menu![1]!["sub_button"]![0]!["key"]!.GetValue<string>());
        Assert.Equal(conditionals, _api.Account.Conditionals.Select(c => c.MenuId));
    }

    [Fact]
    public async Task RemovedConditionalMenu_IsDeleted_AndTheRestKeepTheirOrder()
    {
        await RunAsync("apply", TestAccounts.WriteRules(Rules));
        var withoutSpring = TestAccounts.WriteRules(Rules.Replace("    spring:\n      buttons: [ { name: \"Spring\", key: STORES } ]\n", ""));

        var (_, output, _) = await RunAsync("plan", withoutSpring);
        Assert.Contains("- conditional menu for tag 'spring'", output);
        Assert.Contains("2 changes", output);

        Assert.Equal(0, (await RunAsync("apply", withoutSpring)).Code);
        var remaining = Assert.Single(_api.Account.Conditionals);
        Assert.Equal(_api.Account.TagId("vip"), remaining.TagId);
        Assert.Contains(_api.Account.Calls, c => c.StartsWith("/cgi-bin/menu/delconditional 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PermanentCode_IsMintedOnce_WhenTwoAppliesRunAtOnce()
    {
        var file = TestAccounts.WriteRules(Rules);

        var results = await Task.WhenAll(RunAsync("apply", file), RunAsync("apply", file));

        Assert.All(results, r => Assert.Equal(0, r.Code));
        Assert.Single(results, r => r.Output.Contains("applied"));
        Assert.Single(results, r => r.Output.Trim() == "no changes");
        Assert.Single(_api.Account.Codes, c => c.Request["action_name"]!.GetValue<string>() == "QR_LIMIT_STR_SCENE");
        Assert.Single(_api.Account.Tags, t => t.Name == "spring");
    }

    [Fact]
    public async Task ExpiredTemporaryCode_IsRefusedByQr_AndMintedAgainByApply()
    {
        var file = TestAccounts.WriteRules(Rules);
        await RunAsync("apply", file);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var records = new RedisAccountRecords(connection);
        var code = (await records.GetCodesAsync("acme"))["store-12"];
        Assert.Equal(7, Math.Round((code.ExpiresAt!.Value - code.MintedAt).TotalDays));
        await records.SaveCodeAsync("acme", code with { ExpiresAt = DateTimeOffset.Parse("2026-01-02T03:04:00Z") });

        var (exit, _, error) = await RunAsync("qr", "--scene", "store-12", "--out", Temp("store.png"));
        Assert.Equal(1, exit);
        Assert.Contains("expired on 2026-01-02 03:04:00 UTC", error);

        var (_, plan, _) = await RunAsync("plan", file);
        Assert.Contains("+ code for scene 'store-12': temporary, 7 days; the last one expired 2026-01-02 03:04 UTC", plan);
        Assert.Contains("1 changes", plan);
        await RunAsync("apply", file);
        Assert.Equal(3, _api.Account.Codes.Count);
        var minted = await RunAsync("qr", "--scene", "store-12", "--out", Temp("store.png"));
        Assert.Equal(0, minted.Code);
        Assert.Matches(@"valid until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC:", minted.Output);
    }

    [Theory]
    [InlineData("code.png")]
    [InlineData("code.svg")]
    public async Task Qr_DrawsAnImageThatDecodesToTheCodesUrl(string name)
    {
        await RunAsync("apply", TestAccounts.WriteRules(Rules));
        var url = _api.Account.Codes.Single(c => c.Request["action_name"]!.GetValue<string>() == "QR_LIMIT_STR_SCENE").Url;
        var path = Temp(name);

        var (code, output, _) = await RunAsync("qr", "--scene", "poster-2026", "--out", path, "--size", "300");

        Assert.Equal(0, code);
        Assert.Contains(url, output);
        var png = path;
        if (name.EndsWith(".svg", StringComparison.Ordinal))
        {
            Assert.StartsWith("<svg", (await File.ReadAllTextAsync(path)).TrimStart());
            png = path + ".png";
            Assert.Equal(0, (await Run("rsvg-convert", path, "-o", png)).Code);
        }

        var (exit, decoded) = await Run("zbarimg", "-q", "--raw", png);
        Assert.Equal(0, exit);
        Assert.Equal(url, decoded.Trim());
    }

    [Fact]
    public async Task Qr_ForASceneWithoutCode_OrAWrongExtension_IsRefused()
    {
        var (code, _, error) = await RunAsync("qr", "--scene", "nowhere", "--out", Temp("x.png"));
        Assert.Equal(1, code);
        Assert.Contains("has no code yet", error);

        (code, _, error) = await RunAsync("qr", "--scene", "poster-2026", "--out", Temp("x.jpg"));
        Assert.Equal(2, code);
        Assert.Contains("--out must end in .png or .svg", error);
    }

    [Fact]
    public async Task Import_AConsoleMenu_BecomesButtonsAndTheRulesThatAnswerThem()
    {
        _api.Account.ConsoleMenu = JsonNode.Parse("""
            {"is_menu_open":1,"selfmenu_info":{"button":[
              {"type":"text","name":"营业时间","value":"9:00-21:00"},
              {"name":"More","sub_button":{"list":[
                {"type":"view","name":"官网","url":"https://brand.example/"},
                {"type":"news","name":"Story","value":"KEEP","news_info":{"list":[{"title":"Our story","digest":"How it began","cover_url":"https://brand.example/c.jpg","content_url":"https://brand.example/story"}]}},
                {"type":"img","name":"Poster","value":"TEMP_MEDIA"}
              ]}}
            ]}}
            """)!.AsObject();
        var path = Temp("imported.yaml");

        var (code, _, error) = await RunAsync("import", "--out", path);

        Assert.Equal(0, code);
        Assert.Contains("temporary (3 days)", error);
        var parsed = BrandBot.Rules.Loading.RulesFile.Parse(await File.ReadAllTextAsync(path));
        Assert.False(parsed.HasErrors, string.Join("\n", parsed.Problems));
        var menu = parsed.Definition!.Menu!;
        Assert.Equal(["营业时间", "More"], menu.Buttons.Select(b => b.Name));
        Assert.Equal("https://brand.example/", menu.Buttons[1].Sub[0].Action!.Url);
        var firstKey = menu.Buttons[0].Action!.Key!;
        var rule = parsed.Definition.Rules.Single(r => r.MenuKeys.Contains(firstKey));
        Assert.Equal("9:00-21:00", ((BrandBot.Protocol.Replies.TextReply)((BrandBot.Rules.Model.StaticReply)rule.Replies.Replies[0]).Reply).Content);
        Assert.Equal(3, parsed.Definition.Rules.Count);
    }

    [Fact]
    public async Task Import_WorksWithoutRedis()
    {
        await RunAsync("apply", TestAccounts.WriteRules(Rules));
        var settings = Temp("noredis.json");
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new { BrandBot = new { WeChatApiBaseUrl = _api.BaseUrl, Accounts = new[] { new { Name = "acme", AppId = TestAccounts.AppId, AppSecret = "s", Token = "t" } } } }));

        var (code, output, _) = await RunAsync("import", "--settings", settings);

        Assert.Equal(0, code);
        var menu = BrandBot.Rules.Loading.RulesFile.Parse(output).Definition!.Menu!;
        Assert.Equal(["门店", "More"], menu.Buttons.Select(b => b.Name));
        Assert.Equal(["vip", "spring"], menu.ByTag.Select(m => m.Tag));
    }

    [Fact]
    public async Task Apply_RefusedByWeChat_StopsWithTheCodeExplained_AndKeepsWhatWasDone()
    {
        _api.Account.PermanentCodeCap = 0;

        var (code, output, error) = await RunAsync("apply", TestAccounts.WriteRules(Rules));

        Assert.Equal(1, code);
        Assert.Contains("45029", error);
        Assert.Contains("100,000 permanent codes", error);
        Assert.Contains("done: menu/create", output);
        // Nothing was recorded for the code WeChat refused, so the next apply tries it again.
        Assert.Contains("+ code for scene 'poster-2026'", (await RunAsync("plan", TestAccounts.WriteRules(Rules))).Output);
    }

    [Fact]
    public async Task RulesWithErrors_AreRefusedWithTheirLines_BeforeAnyCall()
    {
        var (code, _, error) = await RunAsync("apply", TestAccounts.WriteRules("menu:\n  buttons:\n    - { name: \"营业时间查询\", key: A }\n"));

        Assert.Equal(1, code);
        Assert.Contains("line 3: error:", error);
        Assert.Empty(_api.Account.Calls);
    }

    [Fact]
    public async Task AccountWithoutAppSecret_IsToldWhatIsMissing()
    {
        var settings = Temp("nosecret.json");
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new { BrandBot = new { Redis = _redis.Configuration, Accounts = new[] { new { Name = "acme", AppId = TestAccounts.AppId, Token = "t" } } } }));

        var (code, _, error) = await RunAsync("plan", TestAccounts.WriteRules(Rules), "--settings", settings);

        Assert.Equal(2, code);
        Assert.Contains("AppSecret", error);
    }

    [Fact]
    public async Task RefusedToken_IsToldOnTheErrorWriter_WithWeChatsReason()
    {
        _api.TokenError = (40125, "invalid appsecret");

        var (code, _, error) = await RunAsync("plan", TestAccounts.WriteRules(Rules));

        Assert.NotEqual(0, code);
        Assert.Contains("access token for 'acme': error_40125 (invalid appsecret)", error);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string verb, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] rest = args.Contains("--settings") ? args : [.. args, "--settings", _settings];
        var code = await Commands.Cli.RunAsync(["account", verb, .. rest, .. verb is "history" or "qr" or "import" or "plan" or "apply" ? ["--account", "acme"] : Array.Empty<string>()], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Temp(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    private static async Task<(int Code, string Output)> Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output);
    }
}
