using System.Globalization;

namespace BrandBot.Rules.Stats;

/// <summary>Which day a count belongs to: a fixed UTC offset (default +8, China Standard Time, where followers are).</summary>
public static class StatsDay
{
    /// <summary>Unanswered texts are cut to this many characters before counting.</summary>
    public const int MaxTextLength = 64;

    public static DateOnly Of(DateTimeOffset now, TimeSpan utcOffset) => DateOnly.FromDateTime(now.ToOffset(utcOffset).DateTime);

    public static string Key(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Shorten(string normalizedText)
    {
        if (normalizedText.Length <= MaxTextLength)
        {
            return normalizedText;
        }

        var cut = normalizedText[..MaxTextLength];
        return char.IsHighSurrogate(cut[^1]) ? cut[..^1] : cut;
    }
}
