using System.Diagnostics;
using System.Net.Sockets;

namespace BrandBot.Testing;

/// <summary>
/// A real redis-server on a free loopback port, started and stopped by the test itself; without
/// persistence unless asked (then an append-only file in a temporary directory survives restarts).
/// A missing redis-server fails the test (tests/run-all.sh installs it); it is never skipped.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private readonly string? _dataDirectory;

    private RedisServer(int port, bool persistent)
    {
        Port = port;
        _dataDirectory = persistent ? Directory.CreateTempSubdirectory("brandbot-redis-").FullName : null;
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port},connectTimeout=2000,syncTimeout=2000";

    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        var server = new RedisServer(Ports.Free(), persistent);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts (again) on the same port: with an empty dataset, or a persistent server's data.</summary>
    public async Task RestartAsync()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists) ?? "redis-server";
        var persistence = _dataDirectory is null ? "--appendonly no" : $"--appendonly yes --appendfsync always --dir {_dataDirectory}";
        _process = Process.Start(new ProcessStartInfo(executable, $"--port {Port} --bind 127.0.0.1 --save \"\" {persistence} --protected-mode no")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();

        for (var i = 0; i < 100; i++)
        {
            if (await Ports.AcceptsAsync(Port))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"redis-server did not listen on {Port}");
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
