namespace BrandBot.Rules.Stats;

/// <summary>
/// Counts what followers do, per account and day. Only counts and normalised texts are stored, never
/// OpenIDs. Recording must never slow or fail a push: implementations swallow their own errors.
/// </summary>
public interface IHitStats
{
    void RuleHit(string account, string rule);

    /// <summary>A follow; <paramref name="scene"/> is the QR scene that brought it, if any.</summary>
    void Follow(string account, string? scene);

    void Unfollow(string account);

    /// <summary>A follower text that no rule answered (normalised, shortened).</summary>
    void Unanswered(string account, string normalizedText);

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
    IReadOnlyList<KeyValuePair<string, long>> TopUnanswered);
