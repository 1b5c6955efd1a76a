
namespace BrandBot.Options;

/// <summary>
/// Where settings come from, for the server and the operator verbs alike (docs/configuration.md):
/// appsettings.json, the file named by <c>--settings</c>, secret files, environment variables and the
/// command line — each later source keeping the last word.
/// </summary>
public static class SettingsLoader
{
    /// <summary>
    /// Adds the JSON file named by <c>--settings</c> and the secret files, then re-adds env and the
    /// command line on top of them (they keep the last word).
    /// </summary>
    public static void AddSettingsFile(IConfigurationManager configuration, string[] args)
    {
        var index = Array.IndexOf(args, "--settings");
        if (index >= 0 && index + 1 < args.Length)
        {
            var path = Path.GetFullPath(args[index + 1]);
            if (!File.Exists(path))
            {
                throw new StartupProblemsException([$"--settings file '{args[index + 1]}' does not exist (resolved to {path})"]);
            }

            configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        SecretFiles.Add(configuration);
        // ASP.NET reads ASPNETCORE_URLS as "urls" before the settings file is added; re-added here it keeps
        // the last word over the file's "Urls", as the systemd unit and the container image rely on.
        configuration.AddEnvironmentVariables("ASPNETCORE_");
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    /// <summary>The settings as a verb sees them: what a server started in this directory with these arguments would read.</summary>
    /// <param name="args">The verb's own <c>--settings FILE</c> and <c>--BrandBot:X=…</c> overrides, if any.</param>
    public static BrandBotOptions Load(string[] args)
    {
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(Path.GetFullPath("appsettings.json"), optional: true);
        configuration.AddEnvironmentVariables();
        AddSettingsFile(configuration, args);
        var options = new BrandBotOptions();
        configuration.GetSection(BrandBotOptions.Section).Bind(options);
        return options;
    }
}
