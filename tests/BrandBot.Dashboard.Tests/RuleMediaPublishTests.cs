using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BrandBot.Account.Media;
using BrandBot.Options;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// docs/rules-file.md#local-files from the dashboard: a publish naming a file account apply has not uploaded
/// is refused with the sentence that says so; once uploaded it answers with the recorded id; and the live
/// version, edited on a server that lacks the file, keeps the id it carries.
/// </summary>
public sealed class RuleMediaPublishTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task APublishFromTheDashboard_IsRefusedUntilTheFileIsUploaded_ThenAnswersWithItsId()
    {
        await using var host = await DashboardHost.StartAsync(redis: _redis.Configuration);
        var folder = Path.GetDirectoryName(host.Server.Services.GetRequiredService<IOptions<BrandBotOptions>>().Value.Accounts[0].RulesFile)!;
        Directory.CreateDirectory(Path.Combine(folder, "posters"));
        byte[] poster = [0x89, 0x50, 0x4e, 0x47, 1, 2, 3];
        await File.WriteAllBytesAsync(Path.Combine(folder, "posters", "spring.png"), poster);
        var yaml = DashboardHost.Rules + "\n  - { name: poster, keywords: [ equal: \"poster\" ], replies: [ image: { file: posters/spring.png } ] }\n";
        var (api, csrf) = await host.ApiClientAsync();

        using var refused = await PublishAsync(api, csrf, yaml, baseVersion: 1);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var answer = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("run `brandbot account apply` with this rules file first", answer.GetProperty("error").GetString());
        Assert.Equal(13, answer.GetProperty("problems")[0].GetProperty("line").GetInt32());
        Assert.Equal(1, await host.Server.Services.GetRequiredService<IRuleStore>().GetCurrentVersionAsync("acme"));

        // What account apply records after WeChat answers (docs/account-as-code.md#media-files).
        await host.Server.Services.GetRequiredService<IMediaRecords>().SetMediaAsync("acme", MediaKind.Image.RecordKey(MediaUploader.HashOf(poster)), "MEDIA-7");
        using var published = await PublishAsync(api, csrf, yaml, baseVersion: 1);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("MEDIA-7", await ImageReplyAsync(host));

        // The live version, edited where the file is not, keeps the id it carries.
        File.Delete(Path.Combine(folder, "posters", "spring.png"));
        var live = (await host.Server.Services.GetRequiredService<IRuleStore>().GetCurrentAsync("acme"))!.Yaml;
        using var edited = await PublishAsync(api, csrf, live.Replace("We open 9:00-21:00", "We open 8:00-22:00", StringComparison.Ordinal), baseVersion: 2);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("MEDIA-7", await ImageReplyAsync(host));
    }

    private static async Task<HttpResponseMessage> PublishAsync(HttpClient client, string csrf, string yaml, long baseVersion)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/api/rules/publish") { Content = JsonContent.Create(new { account = "acme", yaml, baseVersion }) };
        request.Headers.Add("X-CSRF-Token", csrf);
        return await client.SendAsync(request);
    }

    private static async Task<string?> ImageReplyAsync(DashboardHost host)
    {
        string? mediaId = null;
        for (var i = 0; i < 50 && mediaId is null; i++, await Task.Delay(100))
        {
            var response = await Wire.PushAsync(host.Server.Client, Wire.Text("poster", openId: host.NewFollower()), PushMode.Safe);
            var reply = response.Reply();
            mediaId = reply["MsgType"] == "image" ? reply["Image/MediaId"] : null;
        }

        return mediaId;
    }
}
