using System.Globalization;

namespace BrandBot.Protocol.Inbound;

/// <summary>Lenient number parsing: WeChat sends '.' decimals; junk becomes null, never an exception.</summary>
internal static class Numbers
{
    public static double? Double(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static int? Int(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static long Long(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
