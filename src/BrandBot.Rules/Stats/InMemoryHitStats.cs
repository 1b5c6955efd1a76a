using System.Collections.Concurrent;

namespace BrandBot.Rules.Stats;

/// <summary>Statistics for the embedded store: kept in process, gone on restart.</summary>
public sealed class InMemoryHitStats(TimeProvider time, TimeSpan utcOffset) : IHitStats
{
    private readonly StatsCalendar _calendar = new(time, utcOffset);

    private readonly ConcurrentDictionary<(string Account, string Day, string Kind, string Key), long> _counts = new();

    public void RuleHit(string account, string rule) => Add(account, "rule", rule);

    public void Follow(string account, string? scene)
    {
        Add(account, "event", "follow");
        if (scene is not null)
        {
            Add(account, "scene", scene);
        }
    }

    public void Unfollow(string account) => Add(account, "event", "unfollow");

    public void Unanswered(string account, string normalizedText) => Add(account, "unanswered", StatsDay.Shorten(normalizedText));

    public Task FlushAsync() => Task.CompletedTask;

    public Task<DailyStats> ReadAsync(string account, DateOnly day, int topUnanswered = 20, CancellationToken cancellationToken = default)
    {
        var key = StatsDay.Key(day);
        var mine = _counts.Where(c => c.Key.Account == account && c.Key.Day == key).ToList();
        Dictionary<string, long> Of(string kind) => mine.Where(c => c.Key.Kind == kind).ToDictionary(c => c.Key.Key, c => c.Value);
        var events = Of("event");
        return Task.FromResult(new DailyStats(
            day,
            Of("rule"),
            events.GetValueOrDefault("follow"),
            events.GetValueOrDefault("unfollow"),
            Of("scene"),
            [.. Of("unanswered").OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(topUnanswered)]));
    }

    private void Add(string account, string kind, string key) =>
        _counts.AddOrUpdate((account, _calendar.Today(), kind, key), 1, static (_, n) => n + 1);
}
