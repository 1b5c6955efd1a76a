using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BrandBot.Load;

/// <summary>A server under test: a process pinned to one core, on its own loopback port.</summary>
internal sealed class Target : IAsyncDisposable
{
    private readonly Process _process;

    private Target(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public static async Task<Target> StartAsync(string name, int core, string file, string arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("taskset", $"-c {core} {file} {arguments.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture))}")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        info.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        for (var i = 0; i < 1200; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited: {errors}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new Target(name, process, port);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"{name} did not listen within 60 s");
    }

    /// <summary>Polls /readyz until it answers 200 (BrandBot's readiness: rules live, store reachable).</summary>
    public async Task WaitReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 1200; i++)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{Port}/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(5);
        }

        throw new InvalidOperationException($"{Name} never became ready");
    }

    /// <summary>Peak resident memory (VmHWM) of the process, in MB.</summary>
    public double PeakMemoryMb()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
