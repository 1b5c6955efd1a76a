using StackExchange.Redis;

namespace BrandBot.Testing;

/// <summary>
/// A test class with its own real redis-server and one connection to it, started before each test and
/// stopped after it, for tests that drive a store adapter directly rather than through a server.
/// </summary>
public abstract class RedisConnected : IAsyncLifetime
{
    protected RedisServer Redis { get; private set; } = null!;

    protected ConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
