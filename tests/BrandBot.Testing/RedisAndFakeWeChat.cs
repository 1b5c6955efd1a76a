using BrandBot.FakeWeChat;

namespace BrandBot.Testing;

/// <summary>
/// A real redis-server and the fake WeChat API, started for each test (xunit creates the class per
/// test), and the settings that point a BrandBot at both: the set-up the webhook tests on Redis share.
/// </summary>
public abstract class RedisAndFakeWeChat : IAsyncLifetime
{
    /// <summary>The AppSecret the account "acme" gets, so customer-service sends and tags can go out.</summary>
    public const string AppSecret = "secret-acme";

    protected RedisServer Redis { get; private set; } = null!;

    protected FakeWeChatApi Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Api = await FakeWeChatApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>The test accounts on <paramref name="rulesFile"/>, on this Redis (unless <paramref name="redis"/> is false) and this fake API.</summary>
    protected Dictionary<string, string?> SettingsFor(string rulesFile, bool redis = true, string? apiBase = null)
    {
        var settings = TestAccounts.Settings(rulesFile);
        if (redis)
        {
            settings["BrandBot:Redis"] = Redis.Configuration;
        }

        settings["BrandBot:WeChatApiBaseUrl"] = apiBase ?? Api.BaseUrl;
        settings["BrandBot:Accounts:0:AppSecret"] = AppSecret;
        return settings;
    }
}
