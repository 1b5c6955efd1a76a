using BrandBot.Options;

namespace BrandBot.Commands;

/// <summary>The same configuration the server reads (appsettings.json, --settings FILE, environment, command line).</summary>
internal static class CommandSettings
{
    /// <param name="settingsFile">The verb's <c>--settings FILE</c>, if given.</param>
    public static BrandBotOptions Load(string? settingsFile) => SettingsLoader.Load(settingsFile is null ? [] : ["--settings", settingsFile]);

    public static AccountOptions? FindAccount(BrandBotOptions options, string? name) =>
        name is null
            ? options.Accounts.FirstOrDefault()
            : options.Accounts.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
