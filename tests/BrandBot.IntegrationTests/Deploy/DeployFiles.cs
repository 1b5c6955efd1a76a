using System.Text.Json;
using System.Text.RegularExpressions;

namespace BrandBot.IntegrationTests.Deploy;

/// <summary>The repository's deploy/ artefacts, read the way the tests need them.</summary>
public static partial class DeployFiles
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([RepoRoot, "deploy", .. parts]);

    /// <summary>The container's start command: the Dockerfile's ENTRYPOINT in exec form.</summary>
    public static string[] EntryPoint() => ExecForm("ENTRYPOINT");

    /// <summary>The Dockerfile's HEALTHCHECK command in exec form.</summary>
    public static string[] HealthCheck() => ExecForm("CMD", after: "HEALTHCHECK");

    /// <summary>An environment-variable setting of the final image (<c>ENV NAME=value</c>).</summary>
    public static string? ImageEnvironment(string name) =>
        Regex.Match(File.ReadAllText(Path("Dockerfile")), $@"\b{Regex.Escape(name)}=(\S+)") is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The nginx site with its placeholders filled in, as envsubst would.</summary>
    public static string NginxSite(IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(File.ReadAllText(Path("nginx", "brandbot.conf.template")), m => values[m.Groups[1].Value]);

    private static string[] ExecForm(string instruction, string? after = null)
    {
        var text = File.ReadAllText(Path("Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var start = after is null ? 0 : text.IndexOf(after + " ", StringComparison.Ordinal);
        var line = text[start..].Split('\n').Select(l => l.Trim()).First(l => l.Contains(instruction + " [", StringComparison.Ordinal));
        return JsonSerializer.Deserialize<string[]>(line[line.IndexOf('[', StringComparison.Ordinal)..])!;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "BrandBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("BrandBot.sln not found above the test directory");
    }

    [GeneratedRegex(@"\$\{([A-Z_]+)\}")]
    private static partial Regex Placeholder();
}
