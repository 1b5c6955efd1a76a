using BrandBot.Account;
using BrandBot.Account.Planning;
using BrandBot.Options;
using BrandBot.Outbound;
using BrandBot.Redis;
using BrandBot.Rules;
using BrandBot.Rules.Stats;
using BrandBot.Rules.Store;
using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Commands;

/// <summary>
/// The shared stores the operator verbs act on: Redis, from the same configuration the servers read,
/// registered by the same calls the server makes (<c>AddRedisStores</c>, <c>AddRules</c>).
/// The embedded store lives inside one server process, so with it these verbs have nothing to reach.
/// </summary>
internal sealed class CommandStore : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CommandStore(ServiceProvider services, BrandBotOptions options)
    {
        _services = services;
        Options = options;
    }

    public BrandBotOptions Options { get; }

    public IRuleStore Store => _services.GetRequiredService<IRuleStore>();

    public RulePublisher Publisher => _services.GetRequiredService<RulePublisher>();

    public IHitStats Stats => _services.GetRequiredService<IHitStats>();

    /// <summary>What <c>account apply</c> minted and did, shared with the servers.</summary>
    public IAccountRecords AccountRecords => _services.GetRequiredService<IAccountRecords>();

    /// <summary>Uploads a file once per content hash, recorded where the servers' publishes look (docs/account-as-code.md#media-files).</summary>
    public Account.Media.MediaUploader Media => _services.GetRequiredService<Account.Media.MediaUploader>();

    /// <summary>The access token the servers share: a verb never makes theirs stale.</summary>
    public ITokenStore Tokens => _services.GetRequiredService<ITokenStore>();

    /// <summary>The outbound messages the servers send (docs/outbound-messages.md).</summary>
    public Outbound.Store.IOutboundStore Messages => _services.GetRequiredService<Outbound.Store.IOutboundStore>();

    /// <summary>Queues a message exactly as the API does.</summary>
    public Outbound.MessageIntake Intake => _services.GetRequiredService<Outbound.MessageIntake>();

    /// <summary>Connects, or explains on <paramref name="error"/> why it cannot and returns null.</summary>
    /// <param name="withoutRedis">What the operator can do instead, or why the verb needs Redis.</param>
    public static async Task<CommandStore?> OpenAsync(BrandBotOptions options, TextWriter error, string withoutRedis = "with the embedded store, edit the RulesFile; the server reloads it")
    {
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            error.WriteLine($"this verb needs the shared store: set BrandBot:Redis ({withoutRedis})");
            return null;
        }

        var (connection, problem) = await RedisConnection.ConnectAsync(options.Redis);
        if (connection is null)
        {
            error.WriteLine($"BrandBot:Redis {problem}");
            return null;
        }

        var statsOffset = TimeSpan.FromHours(options.StatsUtcOffsetHours);
        var services = new ServiceCollection()
            .AddRedisStores(connection, statsOffset, TimeSpan.Zero)
            .AddRuleMedia(options.RulesFolders())
            .AddRules(statsOffset)
            .AddOutbound(options.Outbound, statsOffset)
            .BuildServiceProvider();
        return new CommandStore(services, options);
    }

    /// <summary>Disposes the multiplexer with the container.</summary>
    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
