using BrandBot.Options;
using BrandBot.Redis;
using BrandBot.Rules.Stats;
using BrandBot.Rules.Store;
using StackExchange.Redis;

namespace BrandBot.Commands;

/// <summary>
/// The shared rule store the operator verbs act on: Redis, from the same configuration the servers read.
/// The embedded store lives inside one server process, so with it these verbs have nothing to reach.
/// </summary>
internal sealed class CommandStore : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;

    private CommandStore(ConnectionMultiplexer connection, BrandBotOptions options)
    {
        _connection = connection;
        Options = options;
        Store = new RedisRuleStore(connection);
        Publisher = new RulePublisher(Store, TimeProvider.System);
        Stats = new RedisHitStats(connection, TimeProvider.System, TimeSpan.FromHours(options.StatsUtcOffsetHours));
    }

    public BrandBotOptions Options { get; }

    /// <summary>The one multiplexer, for the account verbs' records and the shared access token.</summary>
    public IConnectionMultiplexer Connection => _connection;

    public IRuleStore Store { get; }

    public RulePublisher Publisher { get; }

    public IHitStats Stats { get; }

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

        return new CommandStore(connection, options);
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
