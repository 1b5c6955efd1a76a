using System.Diagnostics;
using System.Net.Sockets;
using BrandBot.Commands;

namespace BrandBot.IntegrationTests.Deploy;

/// <summary>The shipped executable, started as a user would (README), with the example settings and rules.</summary>
public class ExecutableTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    /// <summary>
    /// The example opens the demo's dashboard on its fixed port 8081 (the README's step); these tests are
    /// about the webhook, and one killed just before the next starts must not hold that port.
    /// </summary>
    private const string NoDashboard = "--BrandBot:Dashboard:Urls=";

    [Fact]
    public async Task ExampleConfiguration_ServesAndSimulateShowsTheReply()
    {
        var port = Ports.Free();
        using var process = Start($"--settings appsettings.example.json --urls http://127.0.0.1:{port} {NoDashboard}", ("ASPNETCORE_ENVIRONMENT", "Production"));
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

            // The README's other first steps: a newcomer's first minute has no warning in the log.
            foreach (var step in new[] { new[] { "--mode", "plain", "ｖｉｐ　ｃｌｕｂ" }, ["--event", "subscribe", "--key", "poster-2026"], ["--event", "click", "--key", "STORES"] })
            {
                (code, output) = await SimulateAsync(["--settings", Path.Combine(RepoRoot, "appsettings.example.json"), "--url", url, .. step]);
                Assert.True(code == 0, output);
            }

            // Sends that go out after the reply have had their moment.
            await Task.Delay(500);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }

        var log = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        Assert.Contains("Now listening on", log);
        Assert.DoesNotContain("warn:", log);
        Assert.DoesNotContain("fail:", log);
    }

    [Theory]
    [InlineData("appsettings.first-day.json", "0 warnings")]
    // The embedded demo has no AppSecret: tags and late flight answers are what it cannot do, and validate says so.
    [InlineData("appsettings.example.json", "2 warnings")]
    public async Task DemoRules_AgreeWithTheExampleSettings(string settings, string warnings)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Commands.Cli.RunAsync(["rules", "validate", Path.Combine(RepoRoot, "deploy/rules/demo.yaml"), "--account", "demo", "--settings", Path.Combine(RepoRoot, settings)], output, error);
        Assert.Equal(0, code);
        Assert.Contains(warnings, output.ToString());
        Assert.True(warnings == "0 warnings" || output.ToString().Contains("followers cannot be tagged"), output.ToString());
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task BadConfiguration_ExitsTwoWithOneLinePerProblemAndNoStackTrace()
    {
        using var process = Start(
            $"--settings appsettings.example.json --urls http://127.0.0.1:0 {NoDashboard}",
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

    [Fact]
    public async Task BrokenRulesFile_PrintsOnlyStartupErrorLines_NoHostingBlock()
    {
        var rules = TestAccounts.WriteRules("rules:\n  - name: a\n    keywords: [ regex: \"(\" ]\n    replies: [ text: \"x\" ]\n  - name: a\n    keywords: [ equal: \"y\" ]\n    replies: [ text: \"y\" ]\n");
        using var process = Start($"--settings appsettings.example.json --urls http://127.0.0.1:0 {NoDashboard}", ("BrandBot__Accounts__0__RulesFile", rules));
        var stdout = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        var lines = (await stdout + error).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith($"startup error: {rules}:line ", l));
        Assert.Contains(lines, l => l.StartsWith($"startup error: {rules}:line 3: error:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"startup error: {rules}:line 5: error: rule name 'a'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SettingsFileThatIsNotJson_OneLineWithWhereItBroke()
    {
        var settings = Path.Combine(Directory.CreateTempSubdirectory("brandbot-settings-").FullName, "broken.json");
        await File.WriteAllTextAsync(settings, "{ \"BrandBot\": ");
        using var process = Start($"--settings {settings} --urls http://127.0.0.1:0");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("", await stdout);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"configuration error: Failed to load configuration from file '{settings}'", line);
        Assert.Contains("LineNumber", line);
    }

    [Fact]
    public async Task StartedLikeTheSystemdUnit_WithTheExampleSettings_ListensOnTheUnitsPort()
    {
        // The unit's ExecStart arguments and ASPNETCORE_URLS, with the example copied in as its settings file.
        var unit = File.ReadAllText(Path.Combine(RepoRoot, "deploy/systemd/brandbot.service"));
        var execStart = unit.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        Assert.Contains("--settings /etc/brandbot/appsettings.json", execStart);
        var unitUrl = unit.Split('\n').Single(l => l.StartsWith("Environment=ASPNETCORE_URLS=", StringComparison.Ordinal))["Environment=ASPNETCORE_URLS=".Length..];
        Assert.StartsWith("http://127.0.0.1:", unitUrl);

        var port = Ports.Free();
        using var process = Start($"--settings appsettings.example.json {NoDashboard}", ("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"), ("ASPNETCORE_ENVIRONMENT", "Production"));
        try
        {
            await ContainerProcess.WaitUntilReadyAsync(process, port);
            using var client = new HttpClient();
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync($"http://127.0.0.1:{port}/healthz")).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public Task BusyPort_IsOneLine_AndExitCode2() =>
        AssertRefusedBecauseBusyAsync(port => $"--settings appsettings.example.json --urls http://127.0.0.1:{port} {NoDashboard} --BrandBot:WarmUpRounds=0");

    [Fact]
    public Task BusyDashboardPort_IsOneLine_AndExitCode2() =>
        AssertRefusedBecauseBusyAsync(port =>
            $"--settings appsettings.example.json --urls http://127.0.0.1:{Ports.Free()} --BrandBot:Dashboard:Urls=http://127.0.0.1:{port} --BrandBot:WarmUpRounds=0");

    /// <summary>Starts the executable with a listener on a port another socket holds: one line, exit 2, nothing on the log.</summary>
    private static async Task AssertRefusedBecauseBusyAsync(Func<int, string> arguments)
    {
        using var holder = new TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;

        using var process = Start(arguments(port), ("ASPNETCORE_ENVIRONMENT", "Production"));
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Equal([$"startup error: http://127.0.0.1:{port} is already in use"], error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // Not on the log either: no host failure, no stack trace.
        Assert.DoesNotContain("fail:", await output);
        Assert.DoesNotContain("Exception", await output);
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
        var code = await Commands.Cli.RunAsync(["simulate", .. args], output, output);
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
