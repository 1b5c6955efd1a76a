namespace BrandBot.Options;

public static class RulesFolderOptions
{
    /// <summary>Each account's rules-file folder: where the rules' local files start (docs/rules-file.md#local-files).</summary>
    public static IReadOnlyDictionary<string, string> RulesFolders(this BrandBotOptions options)
    {
        var folders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var account in options.Accounts.Where(a => !string.IsNullOrEmpty(a.RulesFile)))
        {
            folders.TryAdd(account.Name, Path.GetDirectoryName(Path.GetFullPath(account.RulesFile!)) ?? Directory.GetCurrentDirectory());
        }

        return folders;
    }
}
