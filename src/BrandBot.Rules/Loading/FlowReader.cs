using System.Globalization;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>Reads <c>flows:</c> and <c>flowDefaults:</c> (docs/flows.md), reporting shape mistakes with their lines.</summary>
internal static class FlowReader
{
    public static Dictionary<string, FlowDefinition> ReadFlows(YamlReader reader, YamlNode node)
    {
        var flows = new Dictionary<string, FlowDefinition>(StringComparer.Ordinal);
        if (reader.Mapping(node, "flows") is not { } mapping)
        {
            return flows;
        }

        foreach (var (nameNode, value) in mapping.Children)
        {
            var name = (nameNode as YamlScalarNode)?.Value ?? "";
            if (name.Length == 0)
            {
                reader.Error(nameNode, "a flow needs a name");
                continue;
            }

            if (ReadFlow(reader, name, value) is { } flow)
            {
                flows[name] = flow;
            }
        }

        return flows;
    }

    public static FlowDefaults ReadDefaults(YamlReader reader, YamlNode node)
    {
        var defaults = FlowDefaults.Builtin with { Line = YamlReader.LineOf(node) };
        if (reader.Mapping(node, "flowDefaults") is not { } mapping)
        {
            return defaults;
        }

        foreach (var (key, value) in reader.Entries(mapping, "flowDefaults", "cancelWords", "cancelled", "exhausted", "timeoutMinutes", "onTimeout", "busy", "maxMessages", "changed"))
        {
            defaults = key switch
            {
                "cancelWords" => defaults with { CancelWords = [.. reader.Sequence(value, "cancelWords").Select(w => reader.Scalar(w, "a cancel word")).OfType<string>()] },
                "cancelled" => defaults with { Cancelled = Replies(reader, value, "flowDefaults.cancelled") },
                "exhausted" => defaults with { Exhausted = Replies(reader, value, "flowDefaults.exhausted") },
                "onTimeout" => defaults with { OnTimeout = Replies(reader, value, "flowDefaults.onTimeout") },
                "busy" => defaults with { Busy = Replies(reader, value, "flowDefaults.busy") },
                "changed" => defaults with { Changed = Replies(reader, value, "flowDefaults.changed") },
                "timeoutMinutes" => defaults with { TimeoutMinutes = Whole(reader, value, key) ?? defaults.TimeoutMinutes },
                _ => defaults with { MaxMessages = Whole(reader, value, key) ?? defaults.MaxMessages },
            };
        }

        return defaults;
    }

    private static FlowDefinition? ReadFlow(YamlReader reader, string name, YamlNode node)
    {
        var where = $"flow '{name}'";
        if (reader.Mapping(node, where) is not { } mapping)
        {
            return null;
        }

        var steps = new List<FlowStep>();
        int? timeout = null;
        var interrupts = FlowInterrupts.Cancel;
        foreach (var (key, value) in reader.Entries(mapping, where, "steps", "timeoutMinutes", "interrupts"))
        {
            switch (key)
            {
                case "steps":
                    steps.AddRange(reader.Sequence(value, $"{where}.steps").Select(s => ReadStep(reader, where, s)).OfType<FlowStep>());
                    break;
                case "timeoutMinutes":
                    timeout = Whole(reader, value, key);
                    break;
                default:
                    switch (reader.Scalar(value, "interrupts"))
                    {
                        case "cancel":
                            break;
                        case "resume":
                            interrupts = FlowInterrupts.Resume;
                            break;
                        case var other:
                            reader.Error(value, $"interrupts '{other}' is not one of: cancel, resume");
                            break;
                    }

                    break;
            }
        }

        return new FlowDefinition(name, steps, YamlReader.LineOf(mapping)) { TimeoutMinutes = timeout, Interrupts = interrupts };
    }

    private static FlowStep? ReadStep(YamlReader reader, string where, YamlNode node)
    {
        if (reader.Mapping(node, "a step") is not { } mapping)
        {
            return null;
        }

        var line = YamlReader.LineOf(mapping);
        var keys = mapping.Children.Select(c => (c.Key as YamlScalarNode)?.Value).ToList();
        if (keys.Contains("ask"))
        {
            return ReadAsk(reader, where, mapping, line);
        }

        if (keys.Contains("say"))
        {
            foreach (var (_, value) in reader.Entries(mapping, $"{where}: a say step", "say"))
            {
                return new SayStep(Replies(reader, value, "say"), line);
            }
        }

        if (keys.Contains("call"))
        {
            WebhookReply? webhook = null;
            IReadOnlyList<RuleReply> fallback = [];
            foreach (var (key, value) in reader.Entries(mapping, $"{where}: a call step", "call", "fallback"))
            {
                if (key == "fallback")
                {
                    fallback = Replies(reader, value, "fallback");
                }
                else if (reader.Mapping(value, "call") is { } call)
                {
                    foreach (var (_, hook) in reader.Entries(call, "call", "webhook"))
                    {
                        webhook = ReplyReader.ReadWebhook(reader, hook, YamlReader.LineOf(hook));
                    }
                }
            }

            if (webhook is null)
            {
                reader.Error(line, $"{where}: a call step needs call: {{ webhook: {{ url: … }} }}");
                return null;
            }

            return new CallStep(webhook, fallback, line);
        }

        reader.Error(line, $"{where}: a step is one of: ask: SLOT, say: [replies], call: {{ webhook: … }}");
        return null;
    }

    private static AskStep? ReadAsk(YamlReader reader, string where, YamlMappingNode mapping, int line)
    {
        var slot = "";
        IReadOnlyList<RuleReply> prompt = [], invalid = [], exhausted = [];
        var attempts = AskStep.DefaultAttempts;
        var accept = new AcceptDefinition(line);
        foreach (var (key, value) in reader.Entries(mapping, $"{where}: an ask step", "ask", "prompt", "accept", "invalid", "attempts", "exhausted"))
        {
            switch (key)
            {
                case "ask":
                    slot = reader.Scalar(value, "ask") ?? "";
                    break;
                case "prompt":
                    prompt = Replies(reader, value, "prompt");
                    break;
                case "invalid":
                    invalid = Replies(reader, value, "invalid");
                    break;
                case "exhausted":
                    exhausted = Replies(reader, value, "exhausted");
                    break;
                case "attempts":
                    attempts = Whole(reader, value, key) ?? attempts;
                    break;
                default:
                    accept = ReadAccept(reader, value) ?? accept;
                    break;
            }
        }

        if (slot.Length == 0)
        {
            reader.Error(line, $"{where}: ask needs a slot name");
        }

        return new AskStep(slot, prompt, accept, line) { Invalid = invalid, Attempts = attempts, Exhausted = exhausted };
    }

    private static AcceptDefinition? ReadAccept(YamlReader reader, YamlNode node)
    {
        if (reader.Mapping(node, "accept") is not { } mapping)
        {
            return null;
        }

        var accept = new AcceptDefinition(YamlReader.LineOf(mapping));
        foreach (var (key, value) in reader.Entries(mapping, "accept", "regex", "choices", "number", "date"))
        {
            switch (key)
            {
                case "regex":
                    accept = accept with { Regex = reader.Scalar(value, "regex") };
                    break;
                case "choices":
                    accept = accept with { Choices = [.. reader.Sequence(value, "choices").Select(c => ReadChoice(reader, c)).OfType<ChoiceDefinition>()] };
                    break;
                case "number":
                    var range = Pairs(reader, value, "number", "min", "max");
                    accept = accept with { Number = (Decimal(reader, value, range.GetValueOrDefault("min")), Decimal(reader, value, range.GetValueOrDefault("max"))) };
                    break;
                default:
                    var dates = Pairs(reader, value, "date", "from", "to");
                    accept = accept with { Date = (dates.GetValueOrDefault("from") ?? "today", dates.GetValueOrDefault("to") ?? "+365d") };
                    break;
            }
        }

        return accept;
    }

    private static ChoiceDefinition? ReadChoice(YamlReader reader, YamlNode node)
    {
        if (reader.Mapping(node, "a choice") is not { } mapping)
        {
            return null;
        }

        string? value = null;
        var say = new List<string>();
        foreach (var (key, item) in reader.Entries(mapping, "a choice", "value", "say"))
        {
            if (key == "value")
            {
                value = reader.Scalar(item, "value");
            }
            else
            {
                say.AddRange(item is YamlSequenceNode ? reader.Sequence(item, "say").Select(s => reader.Scalar(s, "say")).OfType<string>() : [reader.Scalar(item, "say") ?? ""]);
            }
        }

        if (string.IsNullOrEmpty(value))
        {
            reader.Error(mapping, "a choice needs a value");
            return null;
        }

        return new ChoiceDefinition(value, say.Count == 0 ? [value] : say);
    }

    private static Dictionary<string, string> Pairs(YamlReader reader, YamlNode node, string where, params string[] known)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.Mapping(node, where) is { } mapping)
        {
            foreach (var (key, value) in reader.Entries(mapping, where, known))
            {
                if (reader.Scalar(value, key) is { } text)
                {
                    pairs[key] = text;
                }
            }
        }

        return pairs;
    }

    private static decimal? Decimal(YamlReader reader, YamlNode node, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        reader.Error(node, $"'{text}' is not a number");
        return null;
    }

    private static int? Whole(YamlReader reader, YamlNode node, string what)
    {
        var text = reader.Scalar(node, what);
        if (text is not null && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        reader.Error(node, $"{what} '{text}' is not a whole number");
        return null;
    }

    private static IReadOnlyList<RuleReply> Replies(YamlReader reader, YamlNode node, string where) =>
        [.. reader.Sequence(node, where).Select(item => ReplyReader.Read(reader, item)).OfType<RuleReply>()];
}
