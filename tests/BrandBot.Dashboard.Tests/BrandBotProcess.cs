using System.Diagnostics;
using System.Text;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// The BrandBot executable as an operator starts it (the built BrandBot.dll beside the tests), in a
/// process of its own: its own instance name, a real SIGTERM to stop it, its output kept for the message
/// of a failing test.
/// </summary>
public sealed class BrandBotProcess : IAsyncDisposable
{
    private readonly Process _process;

    private readonly StringBuilder _output = new();

    private BrandBotProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet BrandBot.dll ARGS</c> in the repository root, as the README's command does.</summary>
    public static BrandBotProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BrandBot.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return new BrandBotProcess(Process.Start(info)!);
    }

    /// <summary>
    /// Another program a README story leaves running beside BrandBot (redis-server, the fake WeChat), with the
    /// same output capture and SIGTERM stop. Programs in /usr/sbin (redis-server on Debian) are found even
    /// when the user's PATH lacks it.
    /// </summary>
    public static BrandBotProcess StartProgram(string program, string directory, IEnumerable<string> args)
    {
        program = new[] { "/usr/bin", "/usr/sbin", "/sbin" }.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists) ?? program;
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") + ":/usr/sbin:/sbin";
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new BrandBotProcess(Process.Start(info)!);
    }

    /// <summary>A README command line's words as a shell splits them: 'single' and "double" quotes hold spaces ('' is empty).</summary>
    public static string[] Words(string line) =>
        [.. System.Text.RegularExpressions.Regex.Matches(line, "'(?<q>[^']*)'|\"(?<q>[^\"]*)\"|\\S+").Select(m => m.Groups["q"].Success ? m.Groups["q"].Value : m.Value)];

    /// <summary>Runs a verb (<c>dotnet BrandBot.dll ARGS</c> in the repository root, as <c>./brandbot</c> does) to its end.</summary>
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        await using var verb = Start(args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await verb._process.WaitForExitAsync(timeout.Token);
        return (verb._process.ExitCode, verb.Output);
    }

    /// <summary>Waits until <paramref name="readyUrl"/> answers 200, or fails with what the process printed.</summary>
    public async Task WaitReadyAsync(string readyUrl, TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"BrandBot exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync(readyUrl)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{readyUrl} not ready within {within}:\n{Output}");
    }

    /// <summary>SIGTERM, as systemd, Docker and Ctrl+C's neighbours stop it; waits for the exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        Signals.Terminate(_process);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BrandBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("no BrandBot.sln above the test folder");
    }
}
