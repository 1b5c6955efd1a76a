using System.Text;

namespace BrandBot.Rules.Matching;

/// <summary>
/// The one normalisation applied to keywords (at publish time) and to messages (per push):
/// trimmed, Unicode NFKC (full-width letters and the ideographic space become ASCII),
/// then lower-cased invariantly. "VIP Club" and "ｖｉｐ　ｃｌｕｂ" both become "vip club".
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return "";
        }

        // Fast path: plain lower-case ASCII needs neither NFKC nor case folding.
        var simple = true;
        foreach (var c in trimmed)
        {
            if (c >= 0x80 || char.IsAsciiLetterUpper(c))
            {
                simple = false;
                break;
            }
        }

        if (simple)
        {
            return trimmed.Length == text.Length ? text : trimmed.ToString();
        }

        var normalized = trimmed.ToString();
        if (!normalized.IsNormalized(NormalizationForm.FormKC))
        {
            normalized = normalized.Normalize(NormalizationForm.FormKC);
        }

        return normalized.ToLowerInvariant().Trim();
    }
}
