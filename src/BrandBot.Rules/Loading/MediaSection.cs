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
        if (Find(yaml) is not { } found)
        {
            return [];
        }

        // Only the section, after as many line breaks as precede it, so every node keeps its line in the
        // file; the file is not split into lines (100,000 rules: hundreds of thousands of strings).
        var text = new string('\n', yaml.AsSpan(0, found.Start).Count('\n')) + yaml[found.Start..found.End];

        YamlRoot root;
        try
        {
            root = YamlTree.ReadRoot(text);
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
        if (Find(yaml) is { } found)
        {
            yaml = yaml[..found.Start] + yaml[found.End..];
        }

        var lines = yaml.Split('\n').ToList();

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

    /// <summary>
    /// Where the section is, as character offsets: from <c>media:</c> at the left margin to just after its
    /// last indented line (blank lines before the next entry stay with that entry).
    /// </summary>
    private static (int Start, int End)? Find(string yaml)
    {
        for (var at = yaml.StartsWith(Key + ":", StringComparison.Ordinal) ? 0 : NextLineStart(yaml, 0); at >= 0; at = NextLineStart(yaml, at + 1))
        {
            var line = LineAt(yaml, at).TrimEnd('\r');
            if (line is not (Key + ":") && !line.StartsWith(Key + ": ", StringComparison.Ordinal) && !line.StartsWith(Key + ":#", StringComparison.Ordinal))
            {
                continue;
            }

            var end = Math.Min(yaml.Length, at + line.Length + 1);
            for (var next = end; next < yaml.Length;)
            {
                var following = LineAt(yaml, next);
                var after = Math.Min(yaml.Length, next + following.Length + 1);
                if (following.Trim().Length > 0)
                {
                    if (!char.IsWhiteSpace(following[0]))
                    {
                        break;
                    }

                    end = after;
                }

                next = after;
            }

            return (at, end);
        }

        return null;
    }

    /// <summary>The start of the next line that begins with the section's key, after a line break at or after <paramref name="from"/>; -1 when none.</summary>
    private static int NextLineStart(string yaml, int from)
    {
        var found = from < yaml.Length ? yaml.IndexOf("\n" + Key + ":", from, StringComparison.Ordinal) : -1;
        return found < 0 ? -1 : found + 1;
    }

    private static string LineAt(string yaml, int start)
    {
        var end = yaml.IndexOf('\n', start);
        return yaml[start..(end < 0 ? yaml.Length : end)];
    }
}
