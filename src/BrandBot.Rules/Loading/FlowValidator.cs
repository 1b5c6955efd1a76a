using System.Text;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Flows;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>
/// Checks flows at publish time (docs/flows-design.md §4.6): every reference resolves, every step can be
/// left (attempts, timeouts, a closing answer), every prompt is one passive reply, cancel words cannot
/// be mistaken for answers.
/// </summary>
public static class FlowValidator
{
    public const int MaxAttempts = 5;
    public const int MaxTimeoutMinutes = 2880;
    public const int MaxMessages = 1000;

    public static IEnumerable<RuleProblem> Validate(RuleSetDefinition rules, bool hasAppSecret)
    {
        var problems = new List<RuleProblem>();
        void Error(int line, string message) => problems.Add(new(line, ProblemSeverity.Error, message));
        void Warn(int line, string message) => problems.Add(new(line, ProblemSeverity.Warning, message));

        foreach (var rule in rules.Rules.Where(r => r.Flow is not null && !rules.Flows.ContainsKey(r.Flow)))
        {
            Error(rule.Line, $"rule '{rule.Name}' starts flow '{rule.Flow}', which flows: does not declare");
        }

        foreach (var (scene, (flow, line)) in rules.Follow?.SceneFlows ?? new Dictionary<string, (string, int)>())
        {
            if (!rules.Flows.ContainsKey(flow))
            {
                Error(line, $"scene '{scene}' starts flow '{flow}', which flows: does not declare");
            }
        }

        var defaults = rules.FlowDefaults;
        if (rules.Flows.Count > 0)
        {
            CheckRange(defaults.TimeoutMinutes, 1, MaxTimeoutMinutes, defaults.Line, "flowDefaults.timeoutMinutes", Error);
            CheckRange(defaults.MaxMessages, 1, MaxMessages, defaults.Line, "flowDefaults.maxMessages", Error);
            foreach (var (what, replies) in new[] { ("cancelled", defaults.Cancelled), ("exhausted", defaults.Exhausted), ("busy", defaults.Busy), ("changed", defaults.Changed) })
            {
                CheckPassive(replies, $"flowDefaults.{what}", defaults.Line, Error, allowEmpty: false);
            }

            CheckPassive(defaults.OnTimeout, "flowDefaults.onTimeout", defaults.Line, Error, allowEmpty: true);
        }

        var cancelWords = defaults.CancelWords.Select(TextNormalizer.Normalize).ToHashSet(StringComparer.Ordinal);
        foreach (var flow in rules.Flows.Values)
        {
            CheckFlow(flow, cancelWords, hasAppSecret, Error, Warn);
        }

        foreach (var escape in rules.Rules.Where(r => r.Escape))
        {
            foreach (var keyword in escape.Keywords.Where(k => k.Kind == KeywordKind.Equal && cancelWords.Contains(TextNormalizer.Normalize(k.Value))))
            {
                Error(keyword.Line, $"rule '{escape.Name}' escapes flows with \"{keyword.Value}\", which is also a cancel word");
            }
        }

        return problems;
    }

    private static void CheckFlow(FlowDefinition flow, HashSet<string> cancelWords, bool hasAppSecret, Action<int, string> error, Action<int, string> warn)
    {
        var where = $"flow '{flow.Name}'";
        if (flow.Steps.Count == 0)
        {
            error(flow.Line, $"{where} has no steps");
            return;
        }

        if (flow.TimeoutMinutes is { } timeout)
        {
            CheckRange(timeout, 1, MaxTimeoutMinutes, flow.Line, $"{where}: timeoutMinutes", error);
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var asked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in flow.Steps)
        {
            if (!ids.TryAdd(step.Id, step.Line))
            {
                error(step.Line, $"{where}: step '{step.Id}' is already the step on line {ids[step.Id]}");
            }

            switch (step)
            {
                case AskStep ask:
                    CheckAsk(where, ask, cancelWords, asked, error, warn);
                    asked.Add(ask.Slot);
                    break;
                case SayStep say:
                    if (say.Replies.Count == 0 || say.Replies.Any(r => r is not StaticReply { Reply: TextReply }))
                    {
                        error(say.Line, $"{where}: a say step holds text replies (it joins the next prompt in one passive reply)");
                    }

                    CheckPlaceholders(where, say.Replies, asked, warn);
                    break;
                case CallStep call:
                    if (!hasAppSecret)
                    {
                        warn(call.Line, $"{where}: the account has no AppSecret, so a backend answer that misses the push budget cannot be delivered");
                    }

                    CheckPassive(call.Fallback, $"{where}: call fallback", call.Line, error, allowEmpty: true);
                    break;
            }
        }

        if (flow.Steps[^1] is AskStep last)
        {
            error(last.Line, $"{where} ends with ask '{last.Slot}': nothing answers the follower's last reply; end it with a say or a call");
        }

        if (!flow.Steps.Any(s => s is CallStep))
        {
            warn(flow.Line, $"{where} has no call step: what it collects is not sent anywhere");
        }
    }

    private static void CheckAsk(string where, AskStep ask, HashSet<string> cancelWords, HashSet<string> asked, Action<int, string> error, Action<int, string> warn)
    {
        CheckPassive(ask.Prompt, $"{where}: the prompt of '{ask.Slot}'", ask.Line, error, allowEmpty: false);
        CheckPassive(ask.Invalid, $"{where}: invalid of '{ask.Slot}'", ask.Line, error, allowEmpty: true);
        CheckPassive(ask.Exhausted, $"{where}: exhausted of '{ask.Slot}'", ask.Line, error, allowEmpty: true);
        CheckRange(ask.Attempts, 1, MaxAttempts, ask.Line, $"{where}: attempts of '{ask.Slot}'", error);
        CheckPlaceholders(where, ask.Prompt.Concat(ask.Invalid).Concat(ask.Exhausted), asked, warn);
        var accept = ask.Accept;
        if (accept.Regex is { } pattern)
        {
            if (pattern.Length == 0 || RegexFactory.Problem(pattern) is { } problem)
            {
                error(accept.Line, $"{where}: the regex of '{ask.Slot}' is invalid: {(pattern.Length == 0 ? "empty" : RegexFactory.Problem(pattern))}");
            }
            else
            {
                var regex = RegexFactory.Create(pattern);
                foreach (var word in cancelWords.Where(w => regex.IsMatch(w)))
                {
                    error(accept.Line, $"{where}: cancel word \"{word}\" is also a valid answer to '{ask.Slot}'");
                }
            }
        }

        foreach (var say in accept.Choices.SelectMany(c => c.Say).Where(s => cancelWords.Contains(TextNormalizer.Normalize(s))))
        {
            error(accept.Line, $"{where}: choice \"{say}\" of '{ask.Slot}' is also a cancel word");
        }

        if (accept.Number is { Min: { } min, Max: { } max } && min > max)
        {
            error(accept.Line, $"{where}: number min {min} is above max {max}");
        }

        if (accept.Date is { } date)
        {
            var today = new DateOnly(2026, 1, 1);
            foreach (var bound in new[] { date.From, date.To }.Where(b => CompiledFlow.Bound(b, today) is null))
            {
                error(accept.Line, $"{where}: date bound '{bound}' is not today, tomorrow, +Nd, -Nd or yyyy-MM-dd");
            }
        }
    }

    private static void CheckPassive(IReadOnlyList<RuleReply> replies, string what, int line, Action<int, string> error, bool allowEmpty)
    {
        if (replies.Count == 0 && !allowEmpty)
        {
            error(line, $"{what} is missing");
        }
        else if (replies.Count > 1)
        {
            error(replies[1].Line, $"{what} has {replies.Count} replies; a flow answers each message with one");
        }

        foreach (var reply in replies)
        {
            if (reply is WebhookReply)
            {
                error(reply.Line, $"{what}: a webhook belongs in a call step");
            }
            else if (reply is StaticReply { Reply: TextReply text } && Encoding.UTF8.GetByteCount(text.Content) > ReplyLimits.MaxTextBytes)
            {
                error(reply.Line, $"{what}: text over {ReplyLimits.MaxTextBytes} UTF-8 bytes");
            }
        }
    }

    private static void CheckPlaceholders(string where, IEnumerable<RuleReply> replies, HashSet<string> asked, Action<int, string> warn)
    {
        foreach (var reply in replies.OfType<StaticReply>())
        {
            if (reply.Reply is not TextReply text)
            {
                continue;
            }

            foreach (System.Text.RegularExpressions.Match placeholder in System.Text.RegularExpressions.Regex.Matches(text.Content, @"\{([A-Za-z0-9_-]+)\}"))
            {
                if (!asked.Contains(placeholder.Groups[1].Value))
                {
                    warn(reply.Line, $"{where}: {{{placeholder.Groups[1].Value}}} is no slot asked before this point; it is sent as written");
                }
            }
        }
    }

    private static void CheckRange(int value, int min, int max, int line, string what, Action<int, string> error)
    {
        if (value < min || value > max)
        {
            error(line, $"{what} is {value}; it must be from {min} to {max}");
        }
    }
}
