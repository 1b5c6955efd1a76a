namespace BrandBot.Rules.Store;

/// <summary>
/// Identifies the live version: its number and its content hash. Both are compared, because a Redis
/// that lost its data (restart without persistence) starts numbering again from 1.
/// </summary>
public readonly record struct RuleStamp(long Version, string ContentHash)
{
    public static RuleStamp None { get; } = new(0, "");

    public override string ToString() => $"{Version}:{ContentHash}";

    public static RuleStamp Parse(string? text)
    {
        var colon = text?.IndexOf(':') ?? -1;
        return colon > 0 && long.TryParse(text![..colon], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? new RuleStamp(version, text[(colon + 1)..])
            : None;
    }
}
