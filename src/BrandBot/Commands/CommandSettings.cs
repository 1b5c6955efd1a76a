using BrandBot.Options;

namespace BrandBot.Commands;

/// <summary>The same configuration the server reads (appsettings.json, --settings FILE, environment, command line).</summary>
internal static class CommandSettings
{
    /// <param name="settingsFile">The verb's <c>--settings FILE</c>, if given.</param>
    public static BrandBotOptions Load(string? settingsFile) =>
        SettingsLoader.Load([.. settingsFile is null ? [] : new[] { "--settings", settingsFile }, .. Overrides.Value ?? []]);

    /// <summary>
    /// The verb's <c>--BrandBot:X=…</c> arguments, which override every other source as they do for the
    /// server; taken out of the arguments before the verb's own options are parsed.
    /// </summary>
    public static AsyncLocal<string[]?> Overrides { get; } = new();

    /// <summary>Splits <c>--BrandBot:X=value</c> and <c>--BrandBot:X value</c> off the verb's arguments.</summary>
    public static (string[] Arguments, string[] Overrides) SplitOverrides(string[] args)
    {
        var rest = new List<string>();
        var overrides = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--BrandBot:", StringComparison.OrdinalIgnoreCase))
            {
                rest.Add(args[i]);
            }
            else if (args[i].Contains('=', StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                overrides.Add(args[i]);
            }
            else
            {
                overrides.AddRange([args[i], args[++i]]);
            }
        }

        return ([.. rest], [.. overrides]);
    }

    public static AccountOptions? FindAccount(BrandBotOptions options, string? name) =>
        name is null
            ? options.Accounts.FirstOrDefault()
            : options.Accounts.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
