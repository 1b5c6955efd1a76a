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
        if (before is null)
        {
            // A first version: everything is added, and no fingerprint is needed to say so. Computing
            // them serialised every rule at the moment a first publish commits (100,000 rules: tens of
            // MB of JSON at start-up's peak, docs/performance.md "Memory with 100,000 rules").
            return new RuleSetDiff([.. Names(after).Distinct(StringComparer.Ordinal)], [], []);
        }

        var old = Entries(before);
        var now = Entries(after);
        return new RuleSetDiff(
            [.. now.Keys.Where(k => !old.ContainsKey(k))],
            [.. now.Keys.Where(k => old.TryGetValue(k, out var was) && was != now[k])],
            [.. old.Keys.Where(k => !now.ContainsKey(k))]);
    }

    /// <summary>The names <see cref="Entries"/> gives the parts of a rule set, in the same order.</summary>
    private static IEnumerable<string> Names(RuleSetDefinition rules)
    {
        foreach (var rule in rules.Rules)
        {
            yield return rule.Name;
        }

        if (rules.Follow?.Replies is not null)
        {
            yield return "(follow)";
        }

        foreach (var scene in (rules.Follow?.Scenes ?? new Dictionary<string, ReplyGroupDefinition>()).Keys)
        {
            yield return $"(scene {scene})";
        }

        if (rules.Default is not null)
        {
            yield return "(default)";
        }
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
