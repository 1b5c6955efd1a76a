namespace BrandBot.Outbound.Windows;

/// <summary>
/// What BrandBot knows of one follower's window: when they last wrote and last acted (Unix ms, 0 = never)
/// and how much of each allowance is used. The embedded store keeps this struct; Redis keeps the same four
/// numbers as "msgAt,msgUsed,actAt,actUsed" and its script applies the rule of <see cref="TryConsume"/>.
/// </summary>
public readonly record struct FollowerWindow(long MessageAt, int MessageUsed, long ActionAt, int ActionUsed)
{
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
