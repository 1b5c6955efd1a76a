using System.Collections.Concurrent;

namespace BrandBot.Delivery.Flows;

/// <summary>
/// The followers (by hash) whose pushes must take the flow path, with until when: in a flow, or just out
/// of one (a retry of their last push must still find its answer there). Every instance keeps this in
/// memory — fed by its own commits, the other instances' announcements and a periodic reload — so a
/// follower in no flow costs no store round trip (docs/flows-design.md §4.7, property 10).
/// </summary>
public sealed class FlowFollowers(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Account, string Follower), long> _until = new();

    public bool Any => !_until.IsEmpty;

    public bool IsActive(string account, string follower)
    {
        if (!_until.TryGetValue((account, follower), out var until))
        {
            return false;
        }

        if (until > time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return true;
        }

        _until.TryRemove(new KeyValuePair<(string, string), long>((account, follower), until));
        return false;
    }

    /// <summary>Records (or extends) a follower's window; a shorter one never shortens a longer one.</summary>
    public void Mark(string account, string follower, long untilMs) =>
        _until.AddOrUpdate((account, follower), untilMs, (_, known) => Math.Max(known, untilMs));

    public int Count => _until.Count;
}
