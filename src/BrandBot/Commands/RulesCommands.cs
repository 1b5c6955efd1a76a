using BrandBot.Protocol.Replies;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;
using BrandBot.Simulation;

namespace BrandBot.Commands;

/// <summary><c>rules validate FILE</c> and <c>rules test --account NAME "text"</c>.</summary>
internal static class RulesCommands
{
    public const string Usage = """
        brandbot rules validate FILE
            Checks a rules file; prints every problem with its line; exit 1 on errors.
        brandbot rules test --account NAME [--settings FILE] [--file RULES] "text"
        brandbot rules test --account NAME --event subscribe|scan|click [--key KEY]
            Shows which rule fires and the reply it would give.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        return args.FirstOrDefault() switch
        {
            "validate" => await ValidateAsync(new CommandLine(args.Skip(1)), output, error),
            "test" => await TestAsync(args, new CommandLine(args.Skip(1)), output, error),
            _ => Fail(error, Usage),
        };
    }

    private static async Task<int> ValidateAsync(CommandLine line, TextWriter output, TextWriter error)
    {
        if (line.Positional.Count != 1)
        {
            return Fail(error, "usage: brandbot rules validate FILE");
        }

        var path = line.Positional[0];
        if (!File.Exists(path))
        {
            return Fail(error, $"{path}: file not found");
        }

        var result = RulesFile.Parse(await File.ReadAllTextAsync(path));
        foreach (var problem in result.Problems)
        {
            (problem.Severity == ProblemSeverity.Error ? error : output).WriteLine($"{path}:{problem}");
        }

        var errors = result.Problems.Count(p => p.Severity == ProblemSeverity.Error);
        var warnings = result.Problems.Count - errors;
        var rules = result.Definition?.Rules.Count ?? 0;
        output.WriteLine(errors == 0
            ? $"{path}: OK — {rules} rules, {warnings} warnings"
            : $"{path}: {errors} errors, {warnings} warnings");
        return errors == 0 ? 0 : 1;
    }

    private static async Task<int> TestAsync(string[] rawArgs, CommandLine line, TextWriter output, TextWriter error)
    {
        var path = line["file"];
        if (path is null)
        {
            var account = CommandSettings.FindAccount(CommandSettings.Load(rawArgs), line["account"]);
            if (account is null)
            {
                return Fail(error, $"no account named '{line["account"]}' in the configuration (pass --settings FILE or --file RULES)");
            }

            path = account.RulesFile;
            if (string.IsNullOrEmpty(path))
            {
                return Fail(error, $"account '{account.Name}' has no RulesFile");
            }
        }

        if (!File.Exists(path))
        {
            return Fail(error, $"{path}: file not found");
        }

        var parsed = RulesFile.Parse(await File.ReadAllTextAsync(path));
        if (parsed.HasErrors)
        {
            return Fail(error, $"{path} has errors; run: brandbot rules validate {path}");
        }

        var rules = new CompiledRuleSet(parsed.Definition!);
        var @event = line["event"];
        var xml = @event is null
            ? SampleMessages.Text("gh_account", "o-operator", 0, string.Join(' ', line.Positional), 1)
            : EventXml(@event, line["key"]);
        var message = Protocol.Inbound.InboundParser.Parse(System.Text.Encoding.UTF8.GetBytes(xml));
        var route = rules.Route(message);
        Print(route, message.IsUserMessage, output);
        return 0;
    }

    private static string EventXml(string @event, string? key) => @event.ToLowerInvariant() switch
    {
        "subscribe" => SampleMessages.Event("gh_account", "o-operator", 0, "subscribe", key is null ? "" : SubscribeEventKey(key)),
        "scan" => SampleMessages.Event("gh_account", "o-operator", 0, "SCAN", key ?? ""),
        "click" => SampleMessages.Event("gh_account", "o-operator", 0, "CLICK", key ?? ""),
        _ => SampleMessages.Event("gh_account", "o-operator", 0, @event, key),
    };

    private static string SubscribeEventKey(string scene) => Protocol.Inbound.SubscribeEvent.ScenePrefix + scene;

    private static void Print(RouteResult route, bool userMessage, TextWriter output)
    {
        var what = route.Kind switch
        {
            MatchKind.Keyword => $"rule '{route.RuleName}' (keyword)",
            MatchKind.Menu => $"rule '{route.RuleName}' (menu key)",
            MatchKind.Scene => $"follow reply for scene '{route.RuleName}'",
            MatchKind.Follow => "follow reply",
            MatchKind.Default => "default reply",
            _ => "nothing — answered with: success",
        };
        output.WriteLine($"matched: {what}");
        if (route.Replies is not { } group)
        {
            return;
        }

        output.WriteLine($"mode: {(group.Mode == ReplyMode.RandomOne ? "random_one (one of these, at random)" : "reply_all (first passively, the rest by customer-service message)")}");
        for (var i = 0; i < group.Replies.Count; i++)
        {
            var body = group.Replies[i].BodyFor(userMessage);
            var xml = body is null ? "(computed when the push arrives)" : System.Text.Encoding.UTF8.GetString(ReplyWriter.Write("o-operator", "gh_account", 0, body));
            output.WriteLine($"  [{i + 1}] {xml}");
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        return 2;
    }
}
