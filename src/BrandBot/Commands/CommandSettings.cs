using BrandBot.Hosting;
using BrandBot.Options;
using Microsoft.Extensions.Configuration;

namespace BrandBot.Commands;

/// <summary>The same configuration the server reads (appsettings.json, --settings FILE, environment, command line).</summary>
internal static class CommandSettings
{
    /// <param name="settingsFile">The verb's <c>--settings FILE</c>, if given.</param>
    public static BrandBotOptions Load(string? settingsFile)
    {
        string[] args = settingsFile is null ? [] : ["--settings", settingsFile];
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(Path.GetFullPath("appsettings.json"), optional: true);
        configuration.AddEnvironmentVariables();
        BrandBotApp.AddSettingsFile(configuration, args);
        var options = new BrandBotOptions();
        configuration.GetSection(BrandBotOptions.Section).Bind(options);
        return options;
    }

    public static AccountOptions? FindAccount(BrandBotOptions options, string? name) =>
        name is null
            ? options.Accounts.FirstOrDefault()
            : options.Accounts.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
