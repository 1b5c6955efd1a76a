using System.Security.Cryptography;
using System.Text.Json;
using BrandBot.Protocol.Simulation;
using BrandBot.Protocol.Xml;
using BrandBot.Rules.Store;
using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.IntegrationTests.RuleMedia;

/// <summary>
/// Local files in a rules file (docs/rules-file.md#local-files) as an operator uses them: account plan and
/// apply in process against a real redis-server and the fake WeChat API, rules publish, and a server on
/// the same Redis answering a safe-mode push with the uploaded media id.
/// </summary>
public sealed class RuleMediaTests : RedisAndFakeWeChat
{
    private const string Rules = """
        rules:
          - name: poster
            keywords: [ equal: "poster" ]
            replies:
              - image: { file: posters/spring.png }
          - name: hello
            keywords: [ equal: "hello" ]
            replies:
              - voice:
                  file: sounds/hello.mp3
          - name: spring
            keywords: [ equal: "spring" ]
            replies:
              - news:
                  - { title: "Spring", picUrl: { file: posters/spring.png }, url: "https://brand.example/spring" }
        """;

    [Fact]
    public async Task Plan_ListsTheUploads_AndWritesNothing_Apply_UploadsEachFileOnce_AChangedFileAgain()
    {
        var rules = WriteRulesWithFiles(Rules);

        var (code, output, _) = await AccountAsync("plan", rules);
        Assert.Equal(0, code);
        Assert.Empty(Api.Broadcasts.Uploads);
        Assert.Contains($"  + upload image posters/spring.png: 2 KB, sha256 {Sha(rules, "posters/spring.png")[..12]}", output);
        Assert.Contains("  + upload voice sounds/hello.mp3: 3 KB", output);
        Assert.Contains("  + upload uploadimg posters/spring.png: 2 KB", output);
        Assert.EndsWith("3 changes", output.Trim());
        var json = JsonDocument.Parse((await AccountAsync("plan", rules, "--json")).Output).RootElement;
        var image = json.GetProperty("uploads").EnumerateArray().First();
        Assert.Equal(("posters/spring.png", "image", 2048, Sha(rules, "posters/spring.png"), "upload"),
            (image.GetProperty("file").GetString(), image.GetProperty("kind").GetString(), image.GetProperty("size").GetInt32(), image.GetProperty("sha256").GetString(), image.GetProperty("action").GetString()));

        (code, output, _) = await AccountAsync("apply", rules);
        Assert.Equal(0, code);
        Assert.Equal(["material spring.png", "material voice hello.mp3", "uploadimg spring.png"], Api.Broadcasts.Uploads.Order(StringComparer.Ordinal));
        Assert.Contains("applied 3 changes", output);

        (code, output, _) = await AccountAsync("apply", rules);
        Assert.Equal(0, code);
        Assert.Equal("no changes", output.Trim());
        Assert.Equal(3, Api.Broadcasts.Uploads.Count);
        Assert.Contains("  = image posters/spring.png (2 KB, sha256 ", (await AccountAsync("plan", rules)).Output);

        await File.WriteAllBytesAsync(PathOf(rules, "posters/spring.png"), Bytes(2048, seed: 9));
        (_, output, _) = await AccountAsync("plan", rules);
        Assert.Contains("  + upload image posters/spring.png", output);
        Assert.Contains("  = voice sounds/hello.mp3", output);
        Assert.EndsWith("2 changes", output.Trim());
        Assert.Equal(0, (await AccountAsync("apply", rules)).Code);
        Assert.Equal(5, Api.Broadcasts.Uploads.Count);
    }

    [Theory]
    [InlineData("sounds/big.mp3", 3 * 1024 * 1024, "voice", "line 10: error: voice file 'sounds/big.mp3': voice is 3 MB, over WeChat's 2 MB for voice")]
    [InlineData("posters/spring.tiff", 100, "image", "line 5: error: image file 'posters/spring.tiff': image must be bmp/png/jpeg/jpg/gif, not '.tiff'")]
    [InlineData("posters/missing.png", -1, "image", "line 5: error: image file 'posters/missing.png' not found")]
    public async Task AFileWeChatWouldRefuse_IsRefusedWithItsLine_BeforeAnyCall(string file, int size, string kind, string expected)
    {
        var yaml = kind == "voice" ? Rules.Replace("sounds/hello.mp3", file) : Rules.Replace("image: { file: posters/spring.png }", $"image: {{ file: {file} }}");
        var rules = WriteRulesWithFiles(yaml);
        if (size >= 0)
        {
            await File.WriteAllBytesAsync(PathOf(rules, file), Bytes(size, seed: 3));
        }

        foreach (var verb in new[] { "plan", "apply" })
        {
            var (code, _, error) = await AccountAsync(verb, rules);
            Assert.Equal(1, code);
            Assert.Contains(expected, error);
            Assert.Contains("nothing planned or changed", error);
        }

        var validate = await CliAsync(["rules", "validate", rules]);
        Assert.Equal(1, validate.Code);
        Assert.Contains(expected, validate.Error);

        Assert.Empty(Api.Account.Calls);
        Assert.Empty(Api.Broadcasts.Uploads);
    }

    [Fact]
    public async Task Publish_BeforeApply_IsRefusedWithWhatToDo_AfterApply_APushIsAnsweredWithTheUploadedMediaId()
    {
        var rules = WriteRulesWithFiles(Rules);
        await using var server = await TestServer.StartAsync(SettingsFor(TestAccounts.WriteRules(TestAccounts.Rules)));

        var (code, _, error) = await RulesAsync("publish", rules);
        Assert.Equal(1, code);
        Assert.Contains("line 5: error: image file 'posters/spring.png' is not uploaded yet (or changed since): run `brandbot account apply` with this rules file first (uploads are recorded in the shared store, so BrandBot:Redis must be set), then publish again", error);
        Assert.Contains("the live version is unchanged", error);

        Assert.Equal(0, (await AccountAsync("apply", rules)).Code);
        (code, var output, error) = await RulesAsync("publish", rules);
        Assert.Equal(0, code);
        Assert.Contains("published version 2", output);
        Assert.Contains("no changes", (await RulesAsync("publish", rules)).Output);

        var live = await server.Services.GetRequiredService<IRuleStore>().GetCurrentAsync("acme");
        Assert.Contains("media:", live!.Yaml);
        Assert.Contains("image: { file: posters/spring.png }", live.Yaml);
        var material = Api.Broadcasts.Uploads.ToList().IndexOf("material spring.png");
        var reply = await EventuallyAsync(server, "poster", r => r["MsgType"] == "image");
        Assert.True(Api.Broadcasts.HasMaterial(reply["Image/MediaId"]!), reply["Image/MediaId"]);
        Assert.StartsWith("http://mmbiz.qpic.cn/fake/", (await EventuallyAsync(server, "spring", r => r["MsgType"] == "news"))["Articles/item/PicUrl"]);
        Assert.True(Api.Broadcasts.HasMaterial((await EventuallyAsync(server, "hello", r => r["MsgType"] == "voice"))["Voice/MediaId"]!));
        Assert.True(material >= 0);

        // A changed file that was not applied again is refused; the live version keeps its media.
        await File.WriteAllBytesAsync(PathOf(rules, "posters/spring.png"), Bytes(2048, seed: 11));
        (code, _, error) = await RulesAsync("publish", rules);
        Assert.Equal(1, code);
        Assert.Contains("run `brandbot account apply`", error);
        Assert.Equal(reply["Image/MediaId"], (await EventuallyAsync(server, "poster", r => r["MsgType"] == "image"))["Image/MediaId"]);
    }

    [Fact]
    public async Task AServerOnARulesFileWithFiles_RefusesToStartUntilApply_ThenAnswersWithTheMedia()
    {
        var rules = WriteRulesWithFiles(Rules);

        var settings = OnlyAcme(SettingsFor(rules));
        var refused = await Assert.ThrowsAsync<BrandBot.Options.StartupProblemsException>(() => TestServer.StartAsync(settings));
        Assert.Contains(refused.Problems, p => p.Contains("line 5: error: image file 'posters/spring.png' is not uploaded yet", StringComparison.Ordinal) && p.Contains("brandbot account apply", StringComparison.Ordinal));

        Assert.Equal(0, (await AccountAsync("apply", rules)).Code);
        // rules diff sees the file as the id publish would give it: nothing to change once published.
        await using var server = await TestServer.StartAsync(settings);
        Assert.True(Api.Broadcasts.HasMaterial((await EventuallyAsync(server, "poster", r => r["MsgType"] == "image"))["Image/MediaId"]!));
        var (code, output, _) = await CliAsync(["rules", "diff", rules, "--account", "acme", "--settings", Settings()]);
        Assert.Equal(0, code);
        Assert.Contains("  no changes", output);
    }

    [Fact]
    public async Task ARedisThatLostEverything_IsReseededWithTheLiveRules_TheirMediaIdsKept()
    {
        var rules = WriteRulesWithFiles(Rules);
        Assert.Equal(0, (await AccountAsync("apply", rules)).Code);
        // The server's own rules file, so its files are there to hash when the store comes back empty.
        await using var server = await TestServer.StartAsync(OnlyAcme(SettingsFor(rules)));
        var mediaId = (await EventuallyAsync(server, "poster", r => r["MsgType"] == "image"))["Image/MediaId"];

        // A Redis restarted without persistence: the rules and the upload records are gone together.
        await using (var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.Configuration + ",allowAdmin=true"))
        {
            await admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabasesAsync();
        }

        await server.Services.GetRequiredService<BrandBot.Services.RulesActivator>().ActivateAsync("acme");

        var reseeded = await server.Services.GetRequiredService<IRuleStore>().GetCurrentAsync("acme");
        Assert.Equal(1, reseeded!.Version);
        Assert.Contains($"id: \"{mediaId}\"", reseeded.Yaml);
        Assert.Equal(mediaId, (await EventuallyAsync(server, "poster", r => r["MsgType"] == "image"))["Image/MediaId"]);
    }

    [Fact]
    public async Task AVideo_IsUploadedWithTheDescriptionWeChatRequires_AndAnswersWithItsMediaId()
    {
        var rules = WriteRulesWithFiles(Rules + "\n  - { name: clip, keywords: [ equal: \"clip\" ], replies: [ video: { file: clips/spring.mp4, title: \"Spring\" } ] }\n");
        Directory.CreateDirectory(PathOf(rules, "clips"));
        await File.WriteAllBytesAsync(PathOf(rules, "clips/spring.mp4"), Bytes(4096, seed: 5));
        await using var server = await TestServer.StartAsync(SettingsFor(TestAccounts.WriteRules(TestAccounts.Rules)));

        var (code, output, error) = await AccountAsync("apply", rules);
        Assert.True(code == 0, output + error);
        Assert.Contains("material video spring.mp4", Api.Broadcasts.Uploads);
        Assert.Equal(0, (await RulesAsync("publish", rules)).Code);
        var reply = await EventuallyAsync(server, "clip", r => r["MsgType"] == "video");
        Assert.True(Api.Broadcasts.HasMaterial(reply["Video/MediaId"]!));
        Assert.Equal("Spring", reply["Video/Title"]);
    }

    /// <summary>Only acme: the test settings' second account shares the rules file, and apply runs for acme.</summary>
    private static Dictionary<string, string?> OnlyAcme(Dictionary<string, string?> settings)
    {
        foreach (var key in settings.Keys.Where(k => k.StartsWith("BrandBot:Accounts:1:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        return settings;
    }

    private static string WriteRulesWithFiles(string yaml)
    {
        var rules = TestAccounts.WriteRules(yaml);
        Directory.CreateDirectory(PathOf(rules, "posters"));
        Directory.CreateDirectory(PathOf(rules, "sounds"));
        File.WriteAllBytes(PathOf(rules, "posters/spring.png"), Bytes(2048, seed: 1));
        File.WriteAllBytes(PathOf(rules, "sounds/hello.mp3"), Bytes(3072, seed: 2));
        return rules;
    }

    private static string PathOf(string rules, string relative) => Path.Combine(Path.GetDirectoryName(rules)!, relative);

    private static string Sha(string rules, string relative) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(PathOf(rules, relative))));

    private static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<PushFields> EventuallyAsync(TestServer server, string text, Func<PushFields, bool> done)
    {
        PushFields? last = null;
        for (var i = 0; i < 100; i++)
        {
            last = (await Wire.PushAsync(server.Client, Wire.Text(text, openId: $"oMedia{Wire.Unique()}"), PushMode.Safe)).Reply();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        return last!;
    }

    private string Settings()
    {
        var path = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            BrandBot = new
            {
                Redis = Redis.Configuration,
                WeChatApiBaseUrl = Api.BaseUrl,
                Accounts = new[] { new { Name = "acme", AppId = TestAccounts.AppId, AppSecret, Token = TestAccounts.Token } },
            },
        }));
        return path;
    }

    private Task<(int Code, string Output, string Error)> AccountAsync(string verb, string rules, params string[] more) =>
        CliAsync(["account", verb, rules, "--account", "acme", "--settings", Settings(), .. more]);

    private Task<(int Code, string Output, string Error)> RulesAsync(string verb, string rules) =>
        CliAsync(["rules", verb, rules, "--account", "acme", "--settings", Settings()]);

    private static async Task<(int Code, string Output, string Error)> CliAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Commands.Cli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
