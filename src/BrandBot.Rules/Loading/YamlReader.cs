using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>
/// Small helpers over YamlDotNet's node model that record a located problem instead of throwing,
/// so one pass over a file reports every mistake with its line.
/// </summary>
public sealed class YamlReader(List<RuleProblem> problems)
{
    public static int LineOf(YamlNode node) => node.Line;

    /// <summary>The ids the file's <c>media:</c> section gives, by kind and path (docs/rules-file.md#local-files).</summary>
    public IReadOnlyDictionary<(string Kind, string File), ResolvedMedia> Media { get; set; } = new Dictionary<(string, string), ResolvedMedia>();

    /// <summary>The local files read so far.</summary>
    public List<MediaFileReference> MediaFiles { get; } = [];

    /// <summary>Notes a local file and answers its id from the <c>media:</c> section, or "" until publish fills it.</summary>
    public string MediaFile(string kind, string file, int line, int replyLine)
    {
        var resolved = Media.GetValueOrDefault((kind, file))?.Id;
        MediaFiles.Add(new MediaFileReference(kind, file, line, replyLine, resolved));
        return resolved ?? "";
    }

    public void Error(YamlNode node, string message) => problems.Add(new(LineOf(node), ProblemSeverity.Error, message));

    public void Error(int line, string message) => problems.Add(new(line, ProblemSeverity.Error, message));

    public void Warning(int line, string message) => problems.Add(new(line, ProblemSeverity.Warning, message));

    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        if (!IsNull(node))
        {
            Error(node, $"{what} must be a mapping (key: value)");
        }

        return null;
    }

    public IReadOnlyList<YamlNode> Sequence(YamlNode node, string what)
    {
        if (node is YamlSequenceNode sequence)
        {
            return [.. sequence.Children];
        }

        if (!IsNull(node))
        {
            Error(node, $"{what} must be a list");
        }

        return [];
    }

    public string? Scalar(YamlNode node, string what)
    {
        if (node is YamlScalarNode scalar)
        {
            // A plain null (~, null, nothing) is no value, not the text "null".
            return IsNull(scalar) ? "" : scalar.Value;
        }

        Error(node, $"{what} must be a single value");
        return null;
    }

    /// <summary>Reads the keys of <paramref name="mapping"/>, reporting any not in <paramref name="known"/>.</summary>
    public IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode mapping, string where, params string[] known)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (KnownKey(keyNode, where, known) is { } key)
            {
                yield return (key, value);
            }
        }
    }

    /// <summary>The key's name when it is one of <paramref name="known"/>; otherwise null, with the problem recorded.</summary>
    public string? KnownKey(YamlNode keyNode, string where, params string[] known)
    {
        var key = (keyNode as YamlScalarNode)?.Value ?? "";
        if (known.Contains(key, StringComparer.Ordinal))
        {
            return key;
        }

        Error(keyNode, $"unknown key '{key}' in {where} (expected one of: {string.Join(", ", known)})");
        return null;
    }

    /// <summary>Reports keys of <paramref name="mapping"/> not in <paramref name="known"/>; for mappings whose values are read elsewhere.</summary>
    public void CheckKeys(YamlMappingNode mapping, string where, params string[] known) => _ = Entries(mapping, where, known).Count();

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: "" or "~" or "null", IsPlain: true };
}
