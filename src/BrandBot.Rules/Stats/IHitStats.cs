namespace BrandBot.Rules.Stats;

/// <summary>
/// Counts what followers do, per account and day. Only counts and normalised texts are stored, never
/// OpenIDs. Recording must never slow or fail a push: implementations swallow their own errors.
/// </summary>
public interface IHitStats
{
    void RuleHit(string account, string rule);

    /// <summary>
    /// A follow; <paramref name="scene"/> is the QR scene that brought it, if any. <paramref name="follower"/>
    /// is the follower's hash (never the OpenID): a later unfollow is counted against the scene that brought them.
    /// </summary>
    void Follow(string account, string? scene, string follower);

    void Unfollow(string account, string follower);

    /// <summary>A SCAN: an existing follower scanned the scene's code.</summary>
    void Scan(string account, string scene);

    /// <summary>A menu tap that reaches us: CLICK (its key) or VIEW (its link).</summary>
    void MenuClick(string account, string key);

    /// <summary>A flow's funnel: started, step_valid, step_invalid, exhausted, cancelled, interrupted, timed_out, completed, backend_late.</summary>
    void FlowEvent(string account, string flow, string @event);

    /// <summary>A follower text that no rule answered (normalised, shortened); also counted in the day's unanswered total.</summary>
    void Unanswered(string account, string normalizedText);

    /// <summary>A follower's own message (text, image, voice, …; not an event).</summary>
    void Message(string account);

    /// <summary>Writes what was counted to durable storage, if the implementation has any.</summary>
    Task FlushAsync();

    Task<DailyStats> ReadAsync(string account, DateOnly day, int topUnanswered = 20, CancellationToken cancellationToken = default);
}

public sealed record DailyStats(
    DateOnly Day,
    IReadOnlyDictionary<string, long> RuleHits,
    long Follows,
    long Unfollows,
    IReadOnlyDictionary<string, long> SceneFollows,
    IReadOnlyList<KeyValuePair<string, long>> TopUnanswered)
{
    private static readonly IReadOnlyDictionary<string, long> None = new Dictionary<string, long>();

    /// <summary>SCAN events per scene on this day.</summary>
    public IReadOnlyDictionary<string, long> Scans { get; init; } = None;

    /// <summary>Unfollows on this day of followers a scene brought, per scene.</summary>
    public IReadOnlyDictionary<string, long> SceneUnfollows { get; init; } = None;

    /// <summary>Menu taps (CLICK key or VIEW link) on this day.</summary>
    public IReadOnlyDictionary<string, long> MenuClicks { get; init; } = None;

    /// <summary>
    /// Of the followers a scene brought on this day, how many have left within 1, 7 and 30 days:
    /// keys <c>{scene}\n1</c>, <c>{scene}\n7</c>, <c>{scene}\n30</c> (see <see cref="Retention"/>).
    /// </summary>
    public IReadOnlyDictionary<string, long> SceneLeft { get; init; } = None;

    /// <summary>Flow events on this day, keyed <c>{flow}\n{event}</c>.</summary>
    public IReadOnlyDictionary<string, long> FlowEvents { get; init; } = None;

    /// <summary>Followers' own messages on this day (events not counted).</summary>
    public long Messages { get; init; }

    /// <summary>Texts no rule answered on this day, all of them (not only the top ones).</summary>
    public long UnansweredTotal { get; init; }
}

/// <summary>Retention per channel: the share of a day's followers through a scene still following N days later.</summary>
public static class Retention
{
    public static readonly int[] Days = [1, 7, 30];

    public static string LeftKey(string scene, int days) => $"{scene}\n{days}";

    /// <summary>Which of <see cref="Days"/> an unfollow after <paramref name="followedFor"/> falls within.</summary>
    public static IEnumerable<int> Within(TimeSpan followedFor) => Days.Where(d => followedFor < TimeSpan.FromDays(d));
}
