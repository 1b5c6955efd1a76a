using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BrandBot.Outbound.Store;
using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.IntegrationTests.Outbound;

/// <summary>
/// A real redis-server, the fake WeChat API and helpers to run BrandBot with its outbound API on
/// (docs/outbound-messages.md): settings, a client carrying the key, and reading a message back.
/// </summary>
public abstract class OutboundFixture : RedisAndFakeWeChat
{
    public const string Key = "test-key-acme-0123456789abcdef";
    public const string OtherKey = "test-key-plain-0123456789abcdef";
    public const string Follower = "o9AgO5Kd5ggOC-outbound-0001";

    protected Dictionary<string, string?> ApiSettings(int apiPort, bool redis = true)
    {
        var settings = SettingsFor(TestAccounts.WriteRules(TestAccounts.Rules), redis);
        settings["BrandBot:Api:Urls"] = $"http://127.0.0.1:{apiPort}";
        settings["BrandBot:Api:Keys:0:Name"] = "backend";
        settings["BrandBot:Api:Keys:0:Key"] = Key;
        settings["BrandBot:Api:Keys:0:Accounts:0"] = "acme";
        settings["BrandBot:Api:Keys:1:Name"] = "plain-only";
        settings["BrandBot:Api:Keys:1:Key"] = OtherKey;
        settings["BrandBot:Api:Keys:1:Accounts:0"] = "plain";
        settings["BrandBot:Outbound:LeaseSeconds"] = "4";
        settings["BrandBot:Outbound:SendTimeoutSeconds"] = "2";
        settings["BrandBot:Outbound:PollMilliseconds"] = "50";
        settings["BrandBot:ReplayWindowSeconds"] = "0";
        return settings;
    }

    protected static HttpClient ApiClient(int apiPort, string key = Key)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected static async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string path, string json, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    protected static async Task<JsonElement> GetAsync(HttpClient client, string account, string id)
    {
        var response = await client.GetAsync($"/api/v1/{account}/messages/{id}");
        Assert.Equal(200, (int)response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    protected static async Task<string> WaitForStatusAsync(HttpClient client, string id, params string[] statuses)
    {
        var status = "";
        var wanted = statuses.ToHashSet();
        await TestHelpers.EventuallyAsync(async () => wanted.Contains(status = (await GetAsync(client, "acme", id)).GetProperty("status").GetString()!), TimeSpan.FromSeconds(30));
        return status;
    }

    protected static string Template(string to = Follower, string template = "TPL-01") =>
        "{\"to\":\"" + to + "\",\"template\":{\"id\":\"" + template + "\",\"url\":\"https://example.com/gate\",\"data\":{\"keyword1\":\"Gate B12\",\"keyword2\":{\"value\":\"18:05\"}}}}";

    protected static string Text(string text, string to = Follower) => $$"""{"to":"{{to}}","text":"{{text}}"}""";

    /// <summary>A follower's message pushed to the server's webhook (plain mode), which opens the window.</summary>
    protected static async Task FollowerWritesAsync(TestServer server, string openId = Follower)
    {
        var xml = Wire.Text("hours", openId: openId);
        var response = await Wire.PushAsync(server.Client, xml, account: "acme", timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(200, response.Status);
    }

    protected JobFinishPush WebhookOf(TestServer server) =>
        new(new Uri(server.Client.BaseAddress!, "/wechat/acme").ToString(), TestAccounts.Token, TestAccounts.AppId, TestAccounts.Gh, TestAccounts.Key);

    protected static IOutboundStore StoreOf(TestServer server) => server.Services.GetRequiredService<IOutboundStore>();
}
