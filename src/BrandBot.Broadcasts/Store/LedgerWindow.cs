namespace BrandBot.Broadcasts.Store;

/// <summary>How long the per-follower ledger remembers a broadcast: a calendar month plus a day covers the 4-a-month rule, 30-day caps and the 7-day unfollow window.</summary>
public static class LedgerWindow
{
    public static readonly TimeSpan Keep = TimeSpan.FromDays(31);
}
