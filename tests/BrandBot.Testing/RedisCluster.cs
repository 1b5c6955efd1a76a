using System.Diagnostics;

namespace BrandBot.Testing;

/// <summary>
/// A real Redis Cluster on loopback (deploy/README.md): six <c>redis-server --cluster-enabled yes</c>
/// processes, three masters with a replica each, joined by <c>redis-cli --cluster create</c>. Started
/// and stopped by the test; a master can be killed so its replica takes over.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private const int Nodes = 6;

    private readonly string _directory = Directory.CreateTempSubdirectory("brandbot-cluster-").FullName;
    private readonly Dictionary<int, Process> _processes = [];

    private RedisCluster(IReadOnlyList<int> ports) => Ports = ports;

    public IReadOnlyList<int> Ports { get; }

    /// <summary>Every node as a seed, as an operator would configure BrandBot:Redis.</summary>
    public string Configuration => string.Join(",", Ports.Select(p => $"127.0.0.1:{p}")) + ",connectTimeout=2000,syncTimeout=2000";

    public static async Task<RedisCluster> StartAsync()
    {
        var cluster = new RedisCluster(FreePortsWithBus());
        foreach (var port in cluster.Ports)
        {
            cluster.Start(port);
        }

        foreach (var port in cluster.Ports)
        {
            await WaitListeningAsync(port);
        }

        var (code, output) = await RunAsync("redis-cli", ["--cluster", "create", .. cluster.Ports.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", "1", "--cluster-yes"]);
        if (code != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed: {output}");
        }

        await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        await cluster.WaitReplicasSyncedAsync(TimeSpan.FromSeconds(30));
        return cluster;
    }

    /// <summary>The port of the master that serves <paramref name="key"/>'s slot now.</summary>
    public async Task<int> MasterOfAsync(string key)
    {
        var alive = Ports.First(p => _processes.ContainsKey(p));
        var slot = int.Parse((await RunAsync("redis-cli", ["-p", alive.ToString(System.Globalization.CultureInfo.InvariantCulture), "cluster", "keyslot", key])).Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var nodes = (await RunAsync("redis-cli", ["-p", alive.ToString(System.Globalization.CultureInfo.InvariantCulture), "cluster", "nodes"])).Output;
        foreach (var line in nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (!fields[2].Contains("master", StringComparison.Ordinal) || fields[2].Contains("fail", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var range in fields.Skip(8))
            {
                var bounds = range.Split('-');
                var (from, to) = (int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(bounds[^1], System.Globalization.CultureInfo.InvariantCulture));
                if (slot >= from && slot <= to)
                {
                    return int.Parse(fields[1].Split('@')[0].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        throw new InvalidOperationException($"no master serves slot {slot}");
    }

    /// <summary>Empties every master (a replica refuses, and follows its master).</summary>
    public async Task FlushAsync()
    {
        foreach (var port in _processes.Keys)
        {
            await RunAsync("redis-cli", ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "flushall"]);
        }
    }

    /// <summary>Kills one node (SIGKILL): a master's replica is promoted after the node timeout.</summary>
    public async Task KillAsync(int port)
    {
        if (_processes.Remove(port, out var process))
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Waits until every slot is served again (after a failover).</summary>
    public async Task WaitHealthyAsync(TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            // Every live node, not one: after a failover the others learn the new master by gossip.
            var healthy = true;
            foreach (var alive in _processes.Keys.ToList())
            {
                var info = (await RunAsync("redis-cli", ["-p", alive.ToString(System.Globalization.CultureInfo.InvariantCulture), "cluster", "info"])).Output;
                healthy &= info.Contains("cluster_state:ok", StringComparison.Ordinal) && info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal);
            }

            if (healthy)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the cluster did not become healthy");
    }

    /// <summary>
    /// Waits until every replica has its master's data: a replica that never synced is too stale to be
    /// promoted (cluster-replica-validity-factor), so a failover right after creation would never come.
    /// </summary>
    private async Task WaitReplicasSyncedAsync(TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            var synced = 0;
            foreach (var port in Ports)
            {
                var info = (await RunAsync("redis-cli", ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "info", "replication"])).Output;
                if (info.Contains("role:slave", StringComparison.Ordinal) && info.Contains("master_link_status:up", StringComparison.Ordinal))
                {
                    synced++;
                }
            }

            if (synced == Nodes / 2)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the replicas did not sync with their masters");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var port in _processes.Keys.ToList())
        {
            await KillAsync(port);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Start(int port)
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists) ?? "redis-server";
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var arg in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "no",
            "--cluster-enabled", "yes", "--cluster-config-file", $"nodes-{port}.conf", "--cluster-node-timeout", "1000",
            "--save", "", "--appendonly", "no", "--dir", _directory,
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        _processes[port] = process;
    }

    /// <summary>Six ports whose cluster-bus ports (port + 10000) are free too.</summary>
    private static List<int> FreePortsWithBus()
    {
        var ports = new List<int>();
        while (ports.Count < Nodes)
        {
            var port = Testing.Ports.Free();
            if (port < 55_000 && Testing.Ports.IsFree(port + 10_000) && !ports.Contains(port))
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    private static async Task WaitListeningAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await Testing.Ports.AcceptsAsync(port))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"redis-server did not listen on {port}");
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
