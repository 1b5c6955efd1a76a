using System.Text;
using System.Text.RegularExpressions;
using BrandBot.Rules.Loading;

namespace BrandBot.Dashboard;

/// <summary>
/// "Make a rule from this": the live rules file with one keyword rule appended to its <c>rules:</c>
/// list, as text, so the operator's comments and layout survive. The result is only a draft: the
/// editor changes it, and it is validated (with line numbers) before anything is published.
/// </summary>
public static partial class RuleDraft
{
    public static string Append(string liveYaml, string text)
    {
        // The text comes from a follower (through the page): no bidi control may reorder the draft.
        text = TextMask.StripBidi(text);
        var name = NameFor(text);
        var quoted = Keyword(text);
        var lines = liveYaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var rulesAt = lines.FindIndex(l => RulesKey().IsMatch(l));
        if (rulesAt < 0)
        {
            var tail = liveYaml.Length == 0 || liveYaml.EndsWith('\n') ? "" : "\n";
            return $"{liveYaml}{tail}rules:\n{Rule("  ", name, quoted)}";
        }

        // The block ends at the next line that starts a top-level key; its items' indent is the first item's.
        var end = rulesAt + 1;
        var indent = "  ";
        var sawItem = false;
        while (end < lines.Count && (lines[end].Length == 0 || char.IsWhiteSpace(lines[end][0]) || lines[end].StartsWith('#') || lines[end].StartsWith('-')))
        {
            if (!sawItem && ItemStart().Match(lines[end]) is { Success: true } item)
            {
                indent = item.Groups[1].Value;
                sawItem = true;
            }

            end++;
        }

        while (end > rulesAt + 1 && lines[end - 1].Trim().Length == 0)
        {
            end--;
        }

        lines.Insert(end, Rule(indent, name, quoted).TrimEnd('\n'));
        return string.Join('\n', lines);
    }

    private static string Rule(string indent, string name, string quoted)
    {
        var inner = indent + "  ";
        var rule = new StringBuilder();
        rule.Append(indent).Append("- name: ").Append(name).Append('\n');
        rule.Append(inner).Append("keywords: [ ").Append(quoted).Append(" ]\n");
        // Fails validation until the operator writes the answer (RuleSetValidator.DraftPlaceholder).
        rule.Append(inner).Append("replies: [ text: \"").Append(RuleSetValidator.DraftPlaceholder).Append("\" ]\n");
        return rule.ToString();
    }

    /// <summary>
    /// The keyword: <c>equal</c> on the text, or — when the page showed it with hidden digits
    /// (<see cref="TextMask"/>), which no follower ever sends — a <c>regex</c> in which each hidden run
    /// matches as many digits, so the rule can fire.
    /// </summary>
    private static string Keyword(string text)
    {
        if (!text.Contains('*', StringComparison.Ordinal) || !MaskedRun().IsMatch(text))
        {
            return "equal: " + Quote(text);
        }

        var pattern = new StringBuilder("^");
        var at = 0;
        foreach (Match run in MaskedRun().Matches(text))
        {
            pattern.Append(Regex.Escape(text[at..run.Index])).Append("\\d{").Append(run.Length).Append('}');
            at = run.Index + run.Length;
        }

        pattern.Append(Regex.Escape(text[at..])).Append('$');
        return "regex: " + Quote(pattern.ToString());
    }

    /// <summary>A rule name from the text: letters and digits kept, the rest dashes, prefixed so it never clashes with a hand-written one by chance.</summary>
    private static string NameFor(string text)
    {
        var slug = NotNameChars().Replace(text.Trim().ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 32)
        {
            slug = slug[..32].Trim('-');
        }

        return "asked-" + (slug.Length == 0 ? "text" : slug);
    }

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "\"";

    /// <summary>A run of hidden digits between shown ones, as <see cref="TextMask.Mask"/> writes it.</summary>
    [GeneratedRegex(@"(?<=\d)\*+(?=\d)")]
    private static partial Regex MaskedRun();

    [GeneratedRegex(@"^rules:\s*(#.*)?$")]
    private static partial Regex RulesKey();

    [GeneratedRegex(@"^(\s*)- ")]
    private static partial Regex ItemStart();

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NotNameChars();
}
