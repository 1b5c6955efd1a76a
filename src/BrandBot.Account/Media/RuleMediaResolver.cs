using BrandBot.Rules.Loading;
using BrandBot.Rules.Model;
using BrandBot.Rules.Store;

namespace BrandBot.Account.Media;

/// <summary>
/// Fills the <c>media:</c> section of rules being published from the files and what <c>account apply</c>
/// recorded for their bytes (docs/rules-file.md#local-files). A file that is readable gets the id of its
/// current bytes, or none when they were never uploaded (changed since the last apply), and the publisher
/// refuses it. A file that is not there keeps the id the version being published already carries — so a
/// publish from the dashboard, on a server that never had the files, keeps what the last publish resolved.
/// </summary>
/// <param name="folders">Each account's rules-file folder, where relative paths start when the caller names none.</param>
public sealed class RuleMediaResolver(IMediaRecords records, IReadOnlyDictionary<string, string> folders) : IRuleMediaResolver
{
    public async Task<string> ResolveAsync(string account, string yaml, string? folder, CancellationToken cancellationToken)
    {
        // Most rules name no file: no second parse of a large file for them.
        if (!yaml.Contains("file:", StringComparison.Ordinal) && !yaml.Contains(MediaSection.Key + ":", StringComparison.Ordinal))
        {
            return yaml;
        }

        var (definition, _) = RulesYamlLoader.Load(yaml);
        if (definition is null || (definition.MediaFiles.Count == 0 && definition.Media.Count == 0))
        {
            return yaml; // The publisher reports what is wrong.
        }

        folder ??= folders.GetValueOrDefault(account) ?? Directory.GetCurrentDirectory();
        var entries = new List<ResolvedMedia>();
        var missing = new List<RuleProblem>();
        foreach (var group in definition.MediaFiles.GroupBy(m => (m.Kind, m.File)))
        {
            var path = Path.GetFullPath(Path.Combine(folder, group.Key.File));
            if (File.Exists(path))
            {
                var hash = MediaUploader.HashOf(await File.ReadAllBytesAsync(path, cancellationToken));
                if (await records.GetMediaAsync(account, RuleMediaFiles.KindOf(group.Key.Kind).RecordKey(hash), cancellationToken) is { } id)
                {
                    entries.Add(new ResolvedMedia(group.Key.Kind, group.Key.File, hash, id, 0));
                }
            }
            else if (definition.Media.LastOrDefault(m => m.Kind == group.Key.Kind && m.File == group.Key.File) is { } before)
            {
                entries.Add(before);
            }
            else
            {
                missing.Add(new RuleProblem(group.First().Line, ProblemSeverity.Error, $"{group.Key.Kind} file '{group.Key.File}' not found (looked at {path})"));
            }
        }

        if (missing.Count > 0)
        {
            throw new PublishRefusedException("the rules name local files that are not there", missing);
        }

        return MediaSection.Write(yaml, entries);
    }
}
