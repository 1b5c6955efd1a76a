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
            return new RuleSetDiff([.. Parts(after).Select(p => p.Name).Distinct(StringComparer.Ordinal)], [], []);
        }

        var old = Entries(before);
        var now = Entries(after);
        return new RuleSetDiff(
            [.. now.Keys.Where(k => !old.ContainsKey(k))],
            [.. now.Keys.Where(k => old.TryGetValue(k, out var was) && was != now[k])],
            [.. old.Keys.Where(k => !now.ContainsKey(k))]);
    }

    /// <summary>
    /// Each named part of a rule set, with how to fingerprint its content (line numbers excluded) when a
    /// comparison needs it. <c>Replaces</c>: follow, scenes and default take their name over a rule of that
    /// name; of two rules with one name the first counts.
    /// </summary>
    private static IEnumerable<(string Name, Func<string> Fingerprint, bool Replaces)> Parts(RuleSetDefinition rules)
    {
        foreach (var rule in rules.Rules)
        {
            yield return (rule.Name, () => Fingerprint(new
            {
                rule.Priority,
                Keywords = rule.Keywords.Select(k => $"{k.Kind}:{k.Value}"),
                rule.MenuKeys,
                Replies = Fingerprint(rule.Replies),
            }), false);
        }

        if (rules.Follow?.Replies is { } follow)
        {
            yield return ("(follow)", () => Fingerprint(follow), true);
        }

        foreach (var (scene, group) in rules.Follow?.Scenes ?? new Dictionary<string, ReplyGroupDefinition>())
        {
            yield return ($"(scene {scene})", () => Fingerprint(group), true);
        }

        if (rules.Default is { } fallback)
        {
            yield return ("(default)", () => Fingerprint(fallback), true);
        }
    }

    private static Dictionary<string, string> Entries(RuleSetDefinition rules)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, fingerprint, replaces) in Parts(rules))
        {
            if (replaces || !entries.ContainsKey(name))
            {
                entries[name] = fingerprint();
            }
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
