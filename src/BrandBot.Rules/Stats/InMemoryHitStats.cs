using System.Collections.Concurrent;

namespace BrandBot.Rules.Stats;

/// <summary>Statistics for the embedded store: kept in process, gone on restart.</summary>
public sealed class InMemoryHitStats(TimeProvider time, TimeSpan utcOffset) : IHitStats
{
    private readonly StatsCalendar _calendar = new(time, utcOffset);

    private readonly ConcurrentDictionary<(string Account, string Day, string Kind, string Key), long> _counts = new();

    /// <summary>Which scene brought each (hashed) follower, when, and on which statistics day.</summary>
    private readonly ConcurrentDictionary<(string Account, string Follower), (string Scene, DateTimeOffset At, string Day)> _origins = new();

    public void RuleHit(string account, string rule) => Add(account, "rule", rule);

    public void Follow(string account, string? scene, string follower)
    {
        Add(account, "event", "follow");
        if (scene is not null)
        {
            Add(account, "scene", scene);
            _origins[(account, follower)] = (scene, time.GetUtcNow(), _calendar.Today());
        }
        else
        {
            // Followed again without a code: no longer the scene's follower.
            _origins.TryRemove((account, follower), out _);
        }
    }

    public void Unfollow(string account, string follower)
    {
        Add(account, "event", "unfollow");
        if (_origins.TryRemove((account, follower), out var origin))
        {
            Add(account, "scene-unfollow", origin.Scene);
            foreach (var days in Retention.Within(time.GetUtcNow() - origin.At))
            {
                Add(account, origin.Day, "left", Retention.LeftKey(origin.Scene, days));
            }
        }
    }

    public void Scan(string account, string scene) => Add(account, "scan", scene);

    public void MenuClick(string account, string key) => Add(account, "menu", key);

    public void FlowEvent(string account, string flow, string @event) => Add(account, "flow", $"{flow}\n{@event}");

    public void Unanswered(string account, string normalizedText)
    {
        Add(account, "unanswered", StatsDay.Shorten(normalizedText));
        Add(account, "event", "unanswered");
    }

    public void Message(string account) => Add(account, "event", "message");

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
            [.. Of("unanswered").OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(topUnanswered)])
        {
            Scans = Of("scan"),
            SceneUnfollows = Of("scene-unfollow"),
            MenuClicks = Of("menu"),
            SceneLeft = Of("left"),
            FlowEvents = Of("flow"),
            Messages = events.GetValueOrDefault("message"),
            UnansweredTotal = events.GetValueOrDefault("unanswered"),
        });
    }

    private void Add(string account, string kind, string key) => Add(account, _calendar.Today(), kind, key);

    private void Add(string account, string day, string kind, string key) =>
        _counts.AddOrUpdate((account, day, kind, key), 1, static (_, n) => n + 1);
}
