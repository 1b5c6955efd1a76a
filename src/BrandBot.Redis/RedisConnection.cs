using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>Opens the one multiplexer a process uses.</summary>
public static class RedisConnection
{
    /// <summary>
    /// Connects, retrying in the background if Redis goes away later (AbortOnConnectFail off).
    /// Returns null, with the reason, when Redis cannot be reached now or the string is invalid.
    /// </summary>
    public static async Task<(ConnectionMultiplexer? Connection, string? Problem)> ConnectAsync(string configuration, TextWriter? log = null)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException ex)
        {
            return (null, $"is not a valid StackExchange.Redis configuration string ({ex.Message})");
        }

        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000);
        options.ClientName ??= "brandbot";
        var connection = await ConnectionMultiplexer.ConnectAsync(options, log);
        if (!connection.IsConnected)
        {
            var endpoints = string.Join(", ", options.EndPoints.Select(e => e.ToString()));
            await connection.DisposeAsync();
            return (null, $"cannot connect to {endpoints}");
        }

        return (connection, null);
    }
}
