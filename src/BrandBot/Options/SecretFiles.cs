
namespace BrandBot.Options;

/// <summary>
/// Secrets as files (Docker/Kubernetes secrets, a systemd credentials directory): each file in
/// <c>BrandBot:SecretsDirectory</c> (default <c>/run/secrets/brandbot</c>) is one setting, named with
/// <c>__</c> for <c>:</c> (e.g. <c>BrandBot__Accounts__0__AppSecret</c>), its content the value with a
/// trailing newline trimmed. Values never pass through the environment, a command line or a log.
/// </summary>
public static class SecretFiles
{
    public const string DirectorySetting = "BrandBot:SecretsDirectory";
    public const string DefaultDirectory = "/run/secrets/brandbot";

    /// <summary>Adds the directory's files (when it exists) beneath whatever is added after this.</summary>
    public static void Add(IConfigurationManager configuration)
    {
        var directory = configuration[DirectorySetting] ?? DefaultDirectory;
        if (!Directory.Exists(directory))
        {
            return;
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            // Kubernetes mounts secrets through ..data symlinks and dot-directories: skip hidden entries.
            if (name.StartsWith('.'))
            {
                continue;
            }

            values[name.Replace("__", ":", StringComparison.Ordinal)] = File.ReadAllText(file).TrimEnd('\r', '\n');
        }

        configuration.AddInMemoryCollection(values);
    }
}
