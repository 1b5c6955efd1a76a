using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Flows;

/// <summary>One flow, ready to run: its steps by id, each ask's checks compiled at publish time.</summary>
public sealed class CompiledFlow
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Regex> _regexes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> _choices = new(StringComparer.Ordinal);

    public CompiledFlow(FlowDefinition definition, FlowDefaults defaults)
    {
        Definition = definition;
        TimeoutMinutes = definition.TimeoutMinutes ?? defaults.TimeoutMinutes;
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            _index.TryAdd(step.Id, i);
            if (step is not AskStep ask)
            {
                continue;
            }

            if (ask.Accept.Regex is { Length: > 0 } pattern && RegexFactory.Problem(pattern) is null)
            {
                _regexes[ask.Slot] = RegexFactory.Create(pattern);
            }

            var choices = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var choice in ask.Accept.Choices)
            {
                foreach (var say in choice.Say)
                {
                    choices.TryAdd(TextNormalizer.Normalize(say), choice.Value);
                }
            }

            _choices[ask.Slot] = choices;
        }
    }

    public FlowDefinition Definition { get; }

    public string Name => Definition.Name;

    public int TimeoutMinutes { get; }

    public IReadOnlyList<FlowStep> Steps => Definition.Steps;

    public int? IndexOf(string stepId) => _index.TryGetValue(stepId, out var i) ? i : null;

    /// <summary>The value an answer gives the slot, or null when the step does not take it.</summary>
    public string? Accept(AskStep ask, string? text, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var plain = text.Normalize(NormalizationForm.FormKC).Trim();
        if (plain.Length > CompiledFlows.MaxSlotLength)
        {
            return null;
        }

        var normalized = TextNormalizer.Normalize(plain);
        var accept = ask.Accept;
        if (_choices.TryGetValue(ask.Slot, out var choices) && choices.TryGetValue(normalized, out var value))
        {
            return accept.Date is not null && RelativeDay(value, today) is { } day ? Iso(day) : value;
        }

        if (accept.Regex is not null)
        {
            try
            {
                return _regexes.TryGetValue(ask.Slot, out var regex) && regex.IsMatch(normalized) ? plain : null;
            }
            catch (RegexMatchTimeoutException)
            {
                return null;
            }
        }

        if (accept.Number is { } range)
        {
            return decimal.TryParse(plain, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
                && (range.Min is not { } min || number >= min) && (range.Max is not { } max || number <= max)
                ? number.ToString(CultureInfo.InvariantCulture)
                : null;
        }

        if (accept.Date is { } dates)
        {
            var day = ParseDate(plain, today);
            var from = Bound(dates.From, today);
            var to = Bound(dates.To, today);
            return day is { } d && (from is not { } f || d >= f) && (to is not { } t || d <= t) ? Iso(d) : null;
        }

        // No checks and no choices given: any text; choices alone: only them.
        return ask.Accept.Choices.Count == 0 ? plain : null;
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? RelativeDay(string word, DateOnly today) => word switch
    {
        "today" => today,
        "tomorrow" => today.AddDays(1),
        _ => null,
    };

    /// <summary><c>today</c>, <c>+30d</c>, <c>-7d</c>, or a date <c>yyyy-MM-dd</c>.</summary>
    public static DateOnly? Bound(string text, DateOnly today)
    {
        if (RelativeDay(text, today) is { } word)
        {
            return word;
        }

        if (text.Length >= 3 && text[0] is '+' or '-' && text[^1] == 'd' && int.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var days))
        {
            return today.AddDays(text[0] == '+' ? days : -days);
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    /// <summary>What a follower types for a day: <c>2026-12-01</c>, <c>12-01</c>, <c>12/1</c> (this year, or next when past), <c>today</c>, <c>tomorrow</c>.</summary>
    private static DateOnly? ParseDate(string text, DateOnly today)
    {
        if (RelativeDay(text.ToLowerInvariant(), today) is { } word)
        {
            return word;
        }

        if (DateOnly.TryParseExact(text, ["yyyy-M-d", "yyyy/M/d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        if (DateOnly.TryParseExact($"{today.Year}-{text.Replace('/', '-')}", "yyyy-M-d", CultureInfo.InvariantCulture, DateTimeStyles.None, out var thisYear))
        {
            return thisYear < today ? thisYear.AddYears(1) : thisYear;
        }

        return null;
    }
}

/// <summary>An account's flows and their defaults, compiled with its rule set.</summary>
public sealed class CompiledFlows
{
    /// <summary>Slot values are cut to this many characters (they are the follower's words); longer answers are not accepted.</summary>
    public const int MaxSlotLength = 256;

    public CompiledFlows(RuleSetDefinition definition)
    {
        Defaults = definition.FlowDefaults;
        Flows = definition.Flows.ToDictionary(f => f.Key, f => new CompiledFlow(f.Value, Defaults), StringComparer.Ordinal);
        CancelWords = Defaults.CancelWords.Select(TextNormalizer.Normalize).Where(w => w.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    public static CompiledFlows None { get; } = new(new RuleSetDefinition(null, null, []));

    public FlowDefaults Defaults { get; }

    public IReadOnlyDictionary<string, CompiledFlow> Flows { get; }

    public IReadOnlySet<string> CancelWords { get; }

    public bool Any => Flows.Count > 0;

    /// <summary>The replies as sent: fixed replies, with <c>{slot}</c> in texts replaced by the slot's value.</summary>
    public static List<Reply> Render(IEnumerable<RuleReply> replies, IReadOnlyDictionary<string, string> slots) =>
        [.. replies.OfType<StaticReply>().Select(r => r.Reply is TextReply text && slots.Count > 0 ? new TextReply(Fill(text.Content, slots)) : r.Reply)];

    private static string Fill(string text, IReadOnlyDictionary<string, string> slots)
    {
        foreach (var (name, value) in slots)
        {
            text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return text;
    }
}
