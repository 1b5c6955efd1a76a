using System.Text.Json;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>What changed between two rule sets, rule by rule (by name); follow, scenes and default count as entries too.</summary>
public sealed record RuleSetDiff(IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed)
{
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;

    /// <summary>Nothing added, changed or removed.</summary>
    public static RuleSetDiff None { get; } = new([], [], []);

    public static RuleSetDiff Between(RuleSetDefinition? before, RuleSetDefinition after)
    {
        var old = Entries(before);
        var now = Entries(after);
        return new RuleSetDiff(
            [.. now.Keys.Where(k => !old.ContainsKey(k))],
            [.. now.Keys.Where(k => old.TryGetValue(k, out var was) && was != now[k])],
            [.. old.Keys.Where(k => !now.ContainsKey(k))]);
    }

    /// <summary>Each named part of a rule set with a fingerprint of its content (line numbers excluded).</summary>
    private static Dictionary<string, string> Entries(RuleSetDefinition? rules)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rules is null)
        {
            return entries;
        }

        foreach (var rule in rules.Rules)
        {
            entries.TryAdd(rule.Name, Fingerprint(new
            {
                rule.Priority,
                Keywords = rule.Keywords.Select(k => $"{k.Kind}:{k.Value}"),
                rule.MenuKeys,
                Replies = Fingerprint(rule.Replies),
            }));
        }

        if (rules.Follow?.Replies is { } follow)
        {
            entries["(follow)"] = Fingerprint(follow);
        }

        foreach (var (scene, group) in rules.Follow?.Scenes ?? new Dictionary<string, ReplyGroupDefinition>())
        {
            entries[$"(scene {scene})"] = Fingerprint(group);
        }

        if (rules.Default is { } fallback)
        {
            entries["(default)"] = Fingerprint(fallback);
        }

        return entries;
    }

    private static string Fingerprint(ReplyGroupDefinition group) =>
        Fingerprint(new { group.Mode, Replies = Contents(group.Replies), Fallback = Contents(group.Fallback) });

    private static IEnumerable<object> Contents(IEnumerable<RuleReply> replies) => replies.Select(r => r switch
    {
        StaticReply s => (object)s.Reply,
        WebhookReply w => new { Webhook = w.Url.OriginalString, w.TimeoutMs },
        _ => r,
    });

    // Reflection-based JSON is fine here: diffs run at publish time, never per push.
    private static string Fingerprint(object value) => JsonSerializer.Serialize(value, value.GetType());
}
