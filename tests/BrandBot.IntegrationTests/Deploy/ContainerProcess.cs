using System.Diagnostics;
using System.Net;

namespace BrandBot.IntegrationTests.Deploy;

/// <summary>
/// BrandBot started the way the container starts it: the Dockerfile's ENTRYPOINT (with BrandBot.dll
/// resolved to the build output), configured only through environment variables and secret files.
/// </summary>
public sealed class ContainerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ContainerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    public Process Process => _process;

    public static async Task<ContainerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, IReadOnlyDictionary<string, string> secrets)
    {
        var secretsDir = Directory.CreateTempSubdirectory("brandbot-secrets-").FullName;
        foreach (var (name, value) in secrets)
        {
            File.WriteAllText(Path.Combine(secretsDir, name), value + "\n");
        }

        var entry = DeployFiles.EntryPoint();
        var port = Ports.Free();
        var info = new ProcessStartInfo(entry[0])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in entry.Skip(1))
        {
            info.ArgumentList.Add(arg == "BrandBot.dll" ? Path.Combine(AppContext.BaseDirectory, "BrandBot.dll") : arg);
        }

        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["BrandBot__SecretsDirectory"] = secretsDir;
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var started = new ContainerProcess(process, port);
        await WaitUntilReadyAsync(process, port);
        return started;
    }

    /// <summary>What <c>docker stop</c> and Kubernetes send.</summary>
    public void Terminate() => Signals.Terminate(_process);

    /// <summary>Waits until the process answers /readyz with 200; fails the test if it exits or never does.</summary>
    public static async Task WaitUntilReadyAsync(Process process, int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                Assert.Fail("BrandBot exited: " + await process.StandardError.ReadToEndAsync());
            }

            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy to answer within the attempt's 2 s (a loaded machine): try again.
            }

            await Task.Delay(100);
        }

        Assert.Fail("BrandBot did not become ready");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>A real nginx (from Debian's package; tests/run-all.sh installs it) serving the project's site template.</summary>
public sealed class NginxServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private NginxServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<NginxServer> StartAsync(IEnumerable<int> upstreamPorts)
    {
        var directory = Directory.CreateTempSubdirectory("brandbot-nginx-").FullName;
        var port = Ports.Free();
        var snippets = Directory.CreateDirectory(Path.Combine(directory, "snippets")).FullName;
        var site = DeployFiles.NginxSite(new Dictionary<string, string>
        {
            ["BRANDBOT_UPSTREAMS"] = string.Join('\n', upstreamPorts.Select(p => $"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;")),
            ["BRANDBOT_LISTEN"] = $"127.0.0.1:{port}",
            ["BRANDBOT_SNIPPETS"] = snippets,
        });
        File.WriteAllText(Path.Combine(directory, "site.conf"), site);
        File.WriteAllText(Path.Combine(directory, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                include {{directory}}/site.conf;
            }
            """);

        var executable = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists) ?? "nginx";
        var test = Process.Start(new ProcessStartInfo(executable, $"-t -p {directory} -c {directory}/nginx.conf") { RedirectStandardError = true, UseShellExecute = false })!;
        var testOutput = await test.StandardError.ReadToEndAsync();
        await test.WaitForExitAsync();
        Assert.True(test.ExitCode == 0, "nginx -t rejected the site: " + testOutput);

        var process = Process.Start(new ProcessStartInfo(executable, $"-p {directory} -c {directory}/nginx.conf") { UseShellExecute = false })!;
        var server = new NginxServer(process, directory, port);
        for (var i = 0; i < 100 && !await Ports.AcceptsAsync(port); i++)
        {
            await Task.Delay(50);
        }

        return server;
    }

    public string ErrorLog => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : "";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
