namespace BrandBot.Outbound.Windows;

/// <summary>
/// What BrandBot knows of one follower's window: when they last wrote and last acted (Unix ms, 0 = never)
/// and how much of each allowance is used. Stored as "msgAt,msgUsed,actAt,actUsed"; the Redis script
/// applies the same rule as <see cref="TryConsume"/>.
/// </summary>
public readonly record struct FollowerWindow(long MessageAt, int MessageUsed, long ActionAt, int ActionUsed)
{
    public string Encode() => $"{MessageAt},{MessageUsed},{ActionAt},{ActionUsed}";

    public static FollowerWindow Decode(string? text)
    {
        var parts = (text ?? "").Split(',');
        return parts.Length == 4
            && long.TryParse(parts[0], out var m) && int.TryParse(parts[1], out var mu)
            && long.TryParse(parts[2], out var a) && int.TryParse(parts[3], out var au)
            ? new FollowerWindow(m, mu, a, au)
            : default;
    }

    public FollowerWindow Wrote(long nowMs) => this with { MessageAt = nowMs, MessageUsed = 0 };

    public FollowerWindow Acted(long nowMs) => this with { ActionAt = nowMs, ActionUsed = 0 };

    /// <summary>
    /// Takes one send from the action allowance while it lasts (it ends first), else from the message
    /// allowance; null when both are closed or used up.
    /// </summary>
    public FollowerWindow? TryConsume(long nowMs, WindowRules rules)
    {
        if (ActionAt > 0 && nowMs - ActionAt <= (long)rules.ActionWindow.TotalMilliseconds && ActionUsed < rules.ActionAllowance)
        {
            return this with { ActionUsed = ActionUsed + 1 };
        }

        if (MessageAt > 0 && nowMs - MessageAt <= (long)rules.MessageWindow.TotalMilliseconds && MessageUsed < rules.MessageAllowance)
        {
            return this with { MessageUsed = MessageUsed + 1 };
        }

        return null;
    }
}
