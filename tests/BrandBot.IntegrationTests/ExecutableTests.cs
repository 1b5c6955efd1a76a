using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BrandBot.Commands;

namespace BrandBot.IntegrationTests;

/// <summary>The shipped executable, started as a user would (README), with the example settings and rules.</summary>
public class ExecutableTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    [Fact]
    public async Task ExampleConfiguration_ServesAndSimulateShowsTheReply()
    {
        var port = Ports.Free();
        using var process = Start($"--settings appsettings.example.json --urls http://127.0.0.1:{port}", ("ASPNETCORE_ENVIRONMENT", "Production"));
        try
        {
            await ContainerProcess.WaitUntilReadyAsync(process, port);
            var url = $"http://127.0.0.1:{port}/wechat/demo";

            var (code, output) = await SimulateAsync("--settings", Path.Combine(RepoRoot, "appsettings.example.json"), "--url", url, "hours");
            Assert.Equal(0, code);
            Assert.Contains("(safe mode) -> 200", output);
            Assert.Contains("We open 9:00-21:00", output);

            (code, output) = await SimulateAsync("--settings", Path.Combine(RepoRoot, "appsettings.example.json"), "--url", url, "--verify");
            Assert.Equal(0, code);
            Assert.Contains("verification would pass", output);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task BadConfiguration_ExitsTwoWithOneLinePerProblemAndNoStackTrace()
    {
        using var process = Start(
            "--settings appsettings.example.json --urls http://127.0.0.1:0",
            ("BrandBot__Accounts__0__EncodingAESKey", "short"),
            ("BrandBot__Accounts__0__RulesFile", "missing/rules.yaml"));
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("configuration error: BrandBot:Accounts:0:EncodingAESKey must be 43 characters", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("configuration error: BrandBot:Accounts:0:RulesFile 'missing/rules.yaml' does not exist", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Unhandled", error);
    }

    private static Process Start(string arguments, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("dotnet", $"{Path.Combine(AppContext.BaseDirectory, "BrandBot.dll")} {arguments}")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        return process;
    }

    private static async Task<(int Code, string Output)> SimulateAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await Cli.RunAsync(["simulate", .. args], output, output);
        return (code, output.ToString());
    }


    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BrandBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("BrandBot.sln not found above the test directory");
    }
}
