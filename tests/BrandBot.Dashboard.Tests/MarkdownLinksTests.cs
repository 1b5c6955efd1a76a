using System.Text.RegularExpressions;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// Every link in README.md, docs/ and deploy/ leads somewhere: a relative link to a file that exists and,
/// with a <c>#fragment</c>, to a heading that file has (named as GitHub names heading anchors). A page that
/// is renamed or a heading that is reworded breaks the test, not the reader's click.
/// </summary>
public sealed partial class MarkdownLinksTests
{
    [Fact]
    public void EveryRelativeLink_InTheReadmeAndDocs_ResolvesToAFileAndHeading()
    {
        var root = BrandBotProcess.RepoRoot;
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "deploy"), "*.md", SearchOption.AllDirectories))
            .ToList();
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var file in files)
        {
            foreach (Match link in Link().Matches(Prose(File.ReadAllText(file))))
            {
                var target = link.Groups["target"].Value;
                if (Scheme().IsMatch(target))
                {
                    continue;
                }

                checkedLinks++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? target : target[..hash];
                var fragment = hash < 0 ? null : target[(hash + 1)..];
                var resolved = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
                var where = $"{Path.GetRelativePath(root, file)}: ({target})";
                if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add($"{where} names no file");
                }
                else if (fragment is not null && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(resolved).Contains(fragment))
                {
                    broken.Add($"{where} names no heading of {Path.GetFileName(resolved)}");
                }
            }
        }

        Assert.True(checkedLinks > 50, $"only {checkedLinks} links found: the pattern no longer reads the docs");
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Theory]
    [InlineData("Times and ranges", "times-and-ranges")]
    [InlineData("WeChat's rules, in short", "wechats-rules-in-short")]
    [InlineData("Where /metrics and /selftest answer", "where-metrics-and-selftest-answer")]
    [InlineData("`rules test` and `--xml`", "rules-test-and---xml")]
    [InlineData("Broadcasts (群发)", "broadcasts-群发")]
    public void Anchor_IsGitHubsHeadingId(string heading, string anchor) => Assert.Equal(anchor, Slug(heading));

    /// <summary>The heading ids of a Markdown file; a repeated heading gets -1, -2… as on GitHub.</summary>
    private static HashSet<string> Anchors(string file)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(Fences().Replace(File.ReadAllText(file), "")))
        {
            var slug = Slug(heading.Groups["text"].Value);
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    /// <summary>GitHub's rule: lower case, punctuation dropped (letters, digits, '-' and '_' kept), each space a '-'.</summary>
    private static string Slug(string heading) =>
        string.Concat(heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ')).Replace(' ', '-');

    /// <summary>The text with code blocks and code spans removed: a <c>[x](y)</c> inside them is not a link.</summary>
    private static string Prose(string markdown) => CodeSpan().Replace(Fences().Replace(markdown, ""), "");

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<text>.+?)[ \t]*#*[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^[ \t]*```.*?^[ \t]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fences();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();
}
