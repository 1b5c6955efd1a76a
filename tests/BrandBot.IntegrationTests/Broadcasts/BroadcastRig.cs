using BrandBot.Broadcasts;
using BrandBot.Broadcasts.Files;
using BrandBot.Broadcasts.Planning;
using BrandBot.Broadcasts.Results;
using BrandBot.Broadcasts.Sending;
using BrandBot.Broadcasts.Status;
using BrandBot.Broadcasts.Store;
using BrandBot.FakeWeChat;
using BrandBot.Options;
using BrandBot.Redis;
using BrandBot.Rules;
using BrandBot.Testing;
using BrandBot.WeChatApi;
using BrandBot.WeChatApi.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace BrandBot.IntegrationTests.Broadcasts;

/// <summary>
/// The operator's side of broadcasts wired exactly as the CLI wires it (Redis stores, the WeChat client,
/// AddBroadcasts) against a real redis-server and the fake WeChat API, on a clock the test steps.
/// </summary>
internal sealed class BroadcastRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private BroadcastRig(ServiceProvider services, FakeTimeProvider time, BroadcastAccount account)
    {
        _services = services;
        Time = time;
        Account = account;
        Api = Scheduler.ApiFor(account)!;
    }

    public FakeTimeProvider Time { get; }

    public BroadcastAccount Account { get; }

    public BroadcastApi Api { get; }

    public IBroadcastStore Store => _services.GetRequiredService<IBroadcastStore>();

    public BroadcastDesk Desk => _services.GetRequiredService<BroadcastDesk>();

    public BroadcastScheduler Scheduler => _services.GetRequiredService<BroadcastScheduler>();

    public BroadcastPlanner Planner => _services.GetRequiredService<BroadcastPlanner>();

    public BroadcastStatusReader Status => _services.GetRequiredService<BroadcastStatusReader>();

    public BroadcastEventProcessor Events => _services.GetRequiredService<BroadcastEventProcessor>();

    public static async Task<BroadcastRig> StartAsync(RedisServer redis, FakeWeChatApi api, FakeTimeProvider time, BroadcastOptions? options = null, AccountKind kind = AccountKind.Service)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var account = new BroadcastAccount("acme", kind, new ApiCredentials("acme", TestAccounts.AppId, RedisAndFakeWeChat.AppSecret));
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddRedisStores(connection, TimeSpan.FromHours(8), TimeSpan.Zero)
            .AddRules(TimeSpan.FromHours(8))
            .AddSingleton<IWeChatApiObserver, NoWeChatApiEvents>()
            .AddWeChatApi(api.BaseUrl)
            .AddBroadcasts([account], options ?? new BroadcastOptions(), TimeSpan.FromHours(8))
            .BuildServiceProvider();
        api.Broadcasts.Clock = time;
        return new BroadcastRig(services, time, account);
    }

    public async Task<SendResult> SendAsync(BroadcastFile file, string owner = "test") =>
        await Desk.SendAsync(Api, Account, file, "tester", owner, TextWriter.Null, default);

    public async Task<BroadcastRecord> RecordAsync(string id) => (await Store.GetAsync("acme", id))!;

    /// <summary>A broadcast file written to a folder of its own, read as the verbs read it.</summary>
    public static BroadcastFile File(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n"), "broadcast.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, yaml);
        var result = BroadcastFileReader.Read(path);
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        return result.File!;
    }

    public static string OpenIds(IEnumerable<string> ids) => "[" + string.Join(", ", ids) + "]";

    /// <summary>Followers named like OpenIDs, added to the fake account.</summary>
    public static List<string> Followers(FakeWeChatApi api, string prefix, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"o{prefix}{i:D6}xxxxxxxxxxxxxxx").ToList();
        foreach (var id in ids)
        {
            api.Broadcasts.Followers[id] = true;
        }

        return ids;
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
