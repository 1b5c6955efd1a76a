namespace BrandBot.Options;

/// <summary>The <c>BrandBot</c> configuration section.</summary>
public sealed class BrandBotOptions
{
    public const string Section = "BrandBot";

    public List<AccountOptions> Accounts { get; set; } = [];

    /// <summary>StackExchange.Redis configuration string; empty means the embedded in-memory store.</summary>
    public string? Redis { get; set; }

    /// <summary>Push bodies above this many bytes are refused with 413 without being read.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How often each instance compares its live rules version with the store's, catching up on any
    /// pub/sub notification it missed (restart, network blip).
    /// </summary>
    public double RulesCatchUpSeconds { get; set; } = 5;

    /// <summary>Statistics are counted per day at this UTC offset (default +8, China Standard Time).</summary>
    public double StatsUtcOffsetHours { get; set; } = 8;

    /// <summary>Key for the hash that stands in for OpenIDs in logs; a random per-process key when empty.</summary>
    public string? LogHashKey { get; set; }
}
