using BrandBot.Rules.Loading;
using BrandBot.Rules.Model;

namespace BrandBot.Account.Media;

/// <summary>One local file the rules name: where it is, its kind, size and content hash, and every line that names it.</summary>
public sealed record RuleMediaFile(MediaKind Kind, string File, string FullPath, long Size, string Sha256, IReadOnlyList<int> Lines)
{
    /// <summary>"sha256 " and the first 12 hex digits, enough for people to tell versions apart.</summary>
    public string ShortHash => Sha256[..12];
}

/// <summary>
/// The local files of a rules file, checked against WeChat's limits for their kind before any call
/// (docs/account-as-code.md#media-files): each must exist, have a format WeChat takes and fit its size.
/// Relative paths start at the rules file's folder.
/// </summary>
public static class RuleMediaFiles
{
    public static MediaKind KindOf(string name) => name switch
    {
        "image" => MediaKind.Image,
        "voice" => MediaKind.Voice,
        "video" => MediaKind.Video,
        "thumb" => MediaKind.Thumb,
        _ => MediaKind.ArticleImage,
    };

    /// <summary>Each distinct (kind, file) once, in file order, and a problem with its line for each that WeChat would refuse.</summary>
    public static (IReadOnlyList<RuleMediaFile> Files, IReadOnlyList<RuleProblem> Problems) Check(RuleSetDefinition rules, string folder)
    {
        var files = new List<RuleMediaFile>();
        var problems = new List<RuleProblem>();
        foreach (var group in rules.MediaFiles.GroupBy(m => (m.Kind, m.File)))
        {
            var kind = KindOf(group.Key.Kind);
            var first = group.First();
            var path = Path.GetFullPath(Path.Combine(folder, group.Key.File));
            if (!File.Exists(path))
            {
                problems.Add(new RuleProblem(first.Line, ProblemSeverity.Error, $"{kind.Name} file '{group.Key.File}' not found (looked at {path})"));
                continue;
            }

            var size = new FileInfo(path).Length;
            if (kind.Problem(path, size) is { } problem)
            {
                problems.Add(new RuleProblem(first.Line, ProblemSeverity.Error, $"{kind.Name} file '{group.Key.File}': {problem}"));
                continue;
            }

            files.Add(new RuleMediaFile(kind, group.Key.File, path, size, MediaUploader.HashOf(File.ReadAllBytes(path)), [.. group.Select(m => m.Line).Distinct()]));
        }

        return (files, problems);
    }

    /// <summary>Each file with whether its bytes were uploaded before (the record is BrandBot's, not WeChat's: nothing is called).</summary>
    public static async Task<IReadOnlyList<Planning.PlannedUpload>> PlanAsync(IReadOnlyList<RuleMediaFile> files, MediaUploader uploader, string account, CancellationToken cancellationToken)
    {
        var planned = new List<Planning.PlannedUpload>();
        foreach (var file in files)
        {
            planned.Add(new Planning.PlannedUpload(file, await uploader.KnownAsync(account, file.Kind, file.Sha256, cancellationToken) is not null));
        }

        return planned;
    }
}
