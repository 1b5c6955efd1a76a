using System.Text;
using System.Text.Json;
using BrandBot.Rules.Model;
using YamlDotNet.Core;

namespace BrandBot.Rules.Loading;

/// <summary>
/// The top-level <c>media:</c> section publish writes into the version it stores: for each local file
/// the rules name, the sha256 of the bytes that were uploaded and the id WeChat gave them
/// (docs/rules-file.md#local-files). The servers never see the files, only this. It is read before
/// the rules (which are streamed) so each reply gets its id as it is read; it is found by its lines,
/// as a block at the left margin, which is how publish writes it.
/// </summary>
public static class MediaSection
{
    public const string Key = "media";

    /// <summary>The section's entries, with problems for malformed ones; empty when the file has none.</summary>
    public static List<ResolvedMedia> Read(string yaml, YamlReader reader)
    {
        // Most files have none: a 100,000-rule file is not split into lines for nothing.
        if (!yaml.StartsWith(Key + ":", StringComparison.Ordinal) && !yaml.Contains("\n" + Key + ":", StringComparison.Ordinal))
        {
            return [];
        }

        var lines = yaml.Split('\n');
        if (Find(lines) is not { } found)
        {
            return [];
        }

        var (start, end) = found;

        // Only the section's lines, the others blank, so every node keeps its line in the file.
        var text = new StringBuilder(yaml.Length / 4);
        for (var i = 0; i < lines.Length; i++)
        {
            text.Append(i >= start && i < end ? lines[i] : "").Append('\n');
        }

        YamlRoot root;
        try
        {
            root = YamlTree.ReadRoot(text.ToString());
        }
        catch (YamlException)
        {
            return []; // The whole file's parse reports the syntax error.
        }

        var media = new List<ResolvedMedia>();
        if (root.Whole is not YamlMappingNode { Children: [var (_, section)] })
        {
            return media;
        }

        foreach (var item in reader.Sequence(section, Key))
        {
            if (reader.Mapping(item, "a media entry") is not { } entry)
            {
                continue;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in reader.Entries(entry, "a media entry", "file", "kind", "sha256", "id"))
            {
                fields[key] = reader.Scalar(value, key) ?? "";
            }

            if (fields.Count == 4 && fields.Values.All(v => v.Length > 0))
            {
                media.Add(new ResolvedMedia(fields["kind"], fields["file"], fields["sha256"], fields["id"], item.Line));
            }
            else
            {
                reader.Error(item, "a media entry needs file, kind, sha256 and id (publish writes them)");
            }
        }

        return media;
    }

    /// <summary><paramref name="yaml"/> with its <c>media:</c> section replaced by one listing <paramref name="media"/> (or removed when empty).</summary>
    public static string Write(string yaml, IReadOnlyList<ResolvedMedia> media)
    {
        var lines = yaml.Split('\n').ToList();
        if (Find(lines) is { } found)
        {
            lines.RemoveRange(found.Start, found.End - found.Start);
        }

        while (lines.Count > 0 && lines[^1].Trim().Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var text = new StringBuilder(string.Join('\n', lines)).Append('\n');
        if (media.Count > 0)
        {
            text.Append('\n').Append(Key).Append(":\n");
            text.Append("  # written by publish from what account apply uploaded (docs/rules-file.md#local-files); edits here are replaced\n");
            foreach (var entry in media)
            {
                text.Append("  - { file: ").Append(Quote(entry.File)).Append(", kind: ").Append(entry.Kind)
                    .Append(", sha256: ").Append(entry.Sha256).Append(", id: ").Append(Quote(entry.Id)).Append(" }\n");
            }
        }

        return text.ToString();
    }

    /// <summary>A JSON string is a valid YAML double-quoted scalar.</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);

    /// <summary>The section's first line and the line after it: from <c>media:</c> at the margin to the next line at the margin.</summary>
    private static (int Start, int End)? Find(IReadOnlyList<string> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line == Key + ":" || line.StartsWith(Key + ": ", StringComparison.Ordinal) || line.StartsWith(Key + ":#", StringComparison.Ordinal))
            {
                var end = i + 1;
                while (end < lines.Count && (lines[end].Trim().Length == 0 || char.IsWhiteSpace(lines[end][0])))
                {
                    end++;
                }

                // Blank lines before the next entry stay with it.
                while (end > i + 1 && lines[end - 1].Trim().Length == 0)
                {
                    end--;
                }

                return (i, end);
            }
        }

        return null;
    }
}
