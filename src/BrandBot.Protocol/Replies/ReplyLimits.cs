namespace BrandBot.Protocol.Replies;

public static class ReplyLimits
{
    /// <summary>docs/protocol.md §4.2 / P7: replies longer than this (UTF-8 bytes) are dropped by WeChat.</summary>
    public const int MaxTextBytes = 2048;

    /// <summary>docs/protocol.md §4.6: one article when answering a follower's message…</summary>
    public const int MaxArticlesForUserMessage = 1;

    /// <summary>…and up to eight when answering an event (follow, scan, click).</summary>
    public const int MaxArticlesForEvent = 8;
}
