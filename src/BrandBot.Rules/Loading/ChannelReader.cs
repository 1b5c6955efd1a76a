using System.Globalization;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>Reads a scene's <c>qr:</c> — <c>{ permanent: true }</c> or <c>{ expires: 30d }</c>.</summary>
internal static class ChannelReader
{
    public static QrDefinition? ReadQr(YamlReader reader, YamlNode node, string where)
    {
        if (reader.Mapping(node, $"{where}.qr") is not { } mapping)
        {
            return null;
        }

        var line = YamlReader.LineOf(mapping);
        bool? permanent = null;
        TimeSpan? expires = null;
        var hasExpires = false;
        foreach (var (key, value) in reader.Entries(mapping, $"{where}.qr", "permanent", "expires"))
        {
            var text = reader.Scalar(value, $"qr.{key}");
            if (text is null)
            {
                continue;
            }

            if (key == "permanent")
            {
                permanent = text switch { "true" => true, "false" => false, _ => null };
                if (permanent is null)
                {
                    reader.Error(value, $"qr.permanent '{text}' is not true or false");
                }
            }
            else
            {
                hasExpires = true;
                expires = ParseDuration(text);
                if (expires is null)
                {
                    reader.Error(value, $"qr.expires '{text}' is not a duration like 30d, 12h, 90m or 3600s");
                }
            }
        }

        if (permanent == true && hasExpires)
        {
            reader.Error(line, $"{where}: a permanent code does not expire; give qr either permanent: true or expires");
        }
        else if (permanent != true && !hasExpires)
        {
            reader.Error(line, $"{where}: qr needs permanent: true or expires (at most 30d)");
        }

        return new QrDefinition(permanent == true, expires, line);
    }

    /// <summary>Whole days, hours, minutes or seconds: "30d", "12h", "90m", "3600s".</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 10_000_000)
        {
            return null;
        }

        return text[^1] switch
        {
            'd' => TimeSpan.FromDays(n),
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            's' => TimeSpan.FromSeconds(n),
            _ => null,
        };
    }
}
