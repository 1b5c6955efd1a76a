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

    /// <summary>
    /// Comments in code (*.cs, *.js, *.sh, *.yml under src/, tests/ and deploy/) cite a page of docs/ by name, alone,
    /// with a #heading or with a §N section; each citation must name a page that exists and a heading (or numbered
    /// section) it has, so a reworded heading breaks this test rather than leaving the code pointing at nothing.
    /// </summary>
    [Fact]
    public void EveryDocsCitation_InCodeAndScripts_ResolvesToAFileAndHeading()
    {
        var root = BrandBotProcess.RepoRoot;
        var files = new[] { "src", "tests", "deploy" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(root, dir), "*", SearchOption.AllDirectories))
            .Where(file => CodeExtensions.Contains(Path.GetExtension(file)) && !IsBuildOutput(Path.GetRelativePath(root, file)))
            .ToList();
        var broken = new List<string>();
        var checkedCitations = 0;
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match citation in Citation().Matches(lines[i]))
                {
                    checkedCitations++;
                    var page = citation.Groups["page"].Value;
                    var where = $"{Path.GetRelativePath(root, file)}:{i + 1}: {citation.Value}";
                    var resolved = Path.Combine(root, "docs", page);
                    if (!File.Exists(resolved))
                    {
                        broken.Add($"{where} names no file");
                    }
                    else if (citation.Groups["anchor"].Success && !Anchors(resolved).Contains(citation.Groups["anchor"].Value))
                    {
                        broken.Add($"{where} names no heading of {page}");
                    }
                    else if (citation.Groups["section"].Success && !Sections(resolved).Contains(citation.Groups["section"].Value))
                    {
                        broken.Add($"{where} names no numbered section of {page}");
                    }
                }
            }
        }

        Assert.True(checkedCitations > 100, $"only {checkedCitations} citations found: the pattern no longer reads the code");
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Theory]
    [InlineData("counted (docs/broadcasts.md#results-and-the-unfollow-cost).", "broadcasts.md", "results-and-the-unfollow-cost", null)]
    [InlineData("// docs/protocol.md §2.4.", "protocol.md", null, "2.4")]
    [InlineData("# see docs/operations.md, then", "operations.md", null, null)]
    public void Citation_ReadsPageAnchorAndSection(string line, string page, string? anchor, string? section)
    {
        var citation = Citation().Match(line);
        Assert.Equal(page, citation.Groups["page"].Value);
        Assert.Equal(anchor, citation.Groups["anchor"].Success ? citation.Groups["anchor"].Value : null);
        Assert.Equal(section, citation.Groups["section"].Success ? citation.Groups["section"].Value : null);
    }

    private static readonly HashSet<string> CodeExtensions = new(StringComparer.Ordinal) { ".cs", ".js", ".sh", ".yml" };

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules");

    /// <summary>The section numbers of a Markdown file's numbered headings: <c>## 2. POST…</c> gives 2, <c>### 2.4 The AES…</c> gives 2.4.</summary>
    private static HashSet<string> Sections(string file) =>
        Heading().Matches(Fences().Replace(File.ReadAllText(file), ""))
            .Select(heading => SectionNumber().Match(heading.Groups["text"].Value))
            .Where(number => number.Success)
            .Select(number => number.Groups["number"].Value)
            .ToHashSet(StringComparer.Ordinal);

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

    [GeneratedRegex(@"\bdocs/(?<page>[A-Za-z0-9_-]+\.md)(?:#(?<anchor>[\p{L}\p{N}_-]+)|[ \t]*§[ \t]*(?<section>\d+(?:\.\d+)*))?")]
    private static partial Regex Citation();

    [GeneratedRegex(@"^(?<number>\d+(?:\.\d+)*)\.?[ \t]")]
    private static partial Regex SectionNumber();
}
