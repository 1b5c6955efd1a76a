using System.Text.RegularExpressions;

namespace BrandBot.Dashboard;

/// <summary>
/// Follower texts on the dashboard hide phone- and ID-like digit runs (7 or more digits, an ID's
/// trailing X included): a mobile number keeps its first 3 and last 4 digits, anything else its first
/// and last 2. Counting stays on the real text; only what is shown is masked. Bidirectional overrides
/// and isolates are removed too (<see cref="StripBidi"/>).
/// </summary>
public static partial class TextMask
{
    public static string Mask(string text) => DigitRun().Replace(StripBidi(text), match =>
    {
        var run = match.Value;
        var (head, tail) = run.Length == 11 ? (3, 4) : (2, 2);
        return string.Concat(run.AsSpan(0, head), new string('*', run.Length - head - tail), run.AsSpan(run.Length - tail));
    });

    /// <summary>
    /// The text without U+202A–U+202E (embeddings, overrides) and U+2066–U+2069 (isolates): a follower's
    /// text must not reorder what an operator reads around it on a page or in a draft (Trojan Source).
    /// </summary>
    public static string StripBidi(string text) => BidiControl().Replace(text, "");

    [GeneratedRegex(@"[\u202A-\u202E\u2066-\u2069]")]
    private static partial Regex BidiControl();

    [GeneratedRegex(@"\d{7,}[Xx]?")]
    private static partial Regex DigitRun();
}
