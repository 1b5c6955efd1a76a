using System.CommandLine;
using System.Text;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;

namespace BrandBot.Commands;

/// <summary><c>rules test</c>: which rule a message or event fires, and the reply it would give.</summary>
internal static class RulesTestCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var account = CommonOptions.Account(required: false);
        account.Description = "the account whose live version (Redis) or RulesFile is tested (default: the first)";
        var settings = CommonOptions.Settings();
        var file = new Option<string?>("--file") { Description = "test this rules file instead", HelpName = "RULES" };
        var @event = new Option<string?>("--event") { Description = "send an event instead of a text", HelpName = "subscribe|scan|click" };
        var key = new Option<string?>("--key") { Description = "the event's scene or menu key", HelpName = "KEY" };
        var text = new Argument<string[]>("TEXT") { Description = "the follower's message (with --conversation: each argument one message)", Arity = ArgumentArity.ZeroOrMore };
        var xml = new Option<bool>("--xml") { Description = "print each reply's XML too, as a follower's client would receive it" };
        var conversation = new Option<bool>("--conversation") { Description = "send each TEXT in turn as one follower's messages and print every step of the flows they run: the reply, the slots, the state" };
        var command = new Command("test", "Which rule a message or event fires and the reply it gives: against the live version (Redis), or RULES / the RulesFile.")
        {
            text, account, file, @event, key, conversation, xml, settings,
        };
        command.SetAction(parsed => RunAsync(
            new TestRequest(parsed.GetValue(account), parsed.GetValue(file), parsed.GetValue(settings), parsed.GetValue(@event), parsed.GetValue(key), string.Join(' ', parsed.GetValue(text) ?? []))
            {
                Conversation = parsed.GetValue(conversation) ? parsed.GetValue(text) ?? [] : null,
                Xml = parsed.GetValue(xml),
            },
            output,
            error));
        return command;
    }

    private sealed record TestRequest(string? Account, string? File, string? Settings, string? Event, string? Key, string Text)
    {
        /// <summary>The messages of <c>--conversation</c>, in order; null for a single test.</summary>
        public string[]? Conversation { get; init; }

        public bool Xml { get; init; }
    }

    private static async Task<int> RunAsync(TestRequest request, TextWriter output, TextWriter error)
    {
        var (yaml, source) = await LoadRulesAsync(request, error);
        if (yaml is null)
        {
            return Cli.Usage;
        }

        var parsed = RulesFile.Parse(yaml);
        if (parsed.HasErrors)
        {
            return RulesCommands.Fail(error, $"{source} has errors; run: brandbot rules validate");
        }

        output.WriteLine($"rules: {source}");
        var rules = new CompiledRuleSet(parsed.Definition!);
        if (request.Conversation is { } messages)
        {
            var options = CommandSettings.Load(request.Settings);
            await ConversationTest.RunAsync(rules, messages, options, output);
            return Cli.Done;
        }

        var xml = request.Event is null
            ? SampleMessages.Text("gh_account", "o-operator", 0, request.Text, 1)
            : SampleMessages.OperatorEvent("gh_account", "o-operator", 0, request.Event, request.Key);
        var message = InboundParser.Parse(Encoding.UTF8.GetBytes(xml));
        Print(rules.Route(message), message.IsUserMessage, request.Xml, output);
        return Cli.Done;
    }

    /// <summary>--file wins; otherwise the live version in Redis when configured; otherwise the account's RulesFile.</summary>
    private static async Task<(string? Yaml, string Source)> LoadRulesAsync(TestRequest request, TextWriter error)
    {
        if (request.File is { } file)
        {
            return File.Exists(file) ? (await File.ReadAllTextAsync(file), file) : Missing(file, error);
        }

        var options = CommandSettings.Load(request.Settings);
        var name = request.Account ?? CommandSettings.FindAccount(options, null)?.Name;
        if (!string.IsNullOrWhiteSpace(options.Redis) && name is not null)
        {
            await using var store = await CommandStore.OpenAsync(options, error);
            if (store is null)
            {
                return (null, "");
            }

            var live = await store.Store.GetCurrentAsync(name);
            if (live is not null)
            {
                return (live.Yaml, $"live version {live.Version} of account '{name}'");
            }
        }

        var account = CommandSettings.FindAccount(options, name);
        if (account is null)
        {
            error.WriteLine($"no account named '{name}' in the configuration or the store (pass --settings FILE or --file RULES)");
            return (null, "");
        }

        return string.IsNullOrEmpty(account.RulesFile)
            ? NoRules($"account '{account.Name}' has no RulesFile and no published version", error)
            : File.Exists(account.RulesFile) ? (await File.ReadAllTextAsync(account.RulesFile), account.RulesFile) : Missing(account.RulesFile, error);
    }

    private static (string?, string) Missing(string path, TextWriter error) => NoRules($"{path}: file not found", error);

    private static (string?, string) NoRules(string message, TextWriter error)
    {
        error.WriteLine(message);
        return (null, "");
    }

    private static void Print(RouteResult route, bool userMessage, bool xml, TextWriter output)
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

        // One reply needs no mode: "reply_all" of a single reply would only puzzle.
        if (group.Replies.Count > 1)
        {
            output.WriteLine($"mode: {(group.Mode == ReplyMode.RandomOne ? "random_one (one of these, at random)" : "reply_all (first passively, the rest by customer-service message)")}");
        }

        for (var i = 0; i < group.Replies.Count; i++)
        {
            var reply = group.Replies[i];
            var shown = reply.Source is StaticReply fixedReply ? ReplyDisplay.Describe(fixedReply.Reply) : "computed by the brand's backend when the push arrives";
            output.WriteLine(group.Replies.Count > 1 ? $"  [{i + 1}] {shown}" : $"reply: {shown}");
            if (xml && reply.BodyFor(userMessage) is { } body)
            {
                output.WriteLine($"  {Encoding.UTF8.GetString(ReplyWriter.Write("o-operator", "gh_account", 0, body))}");
            }
        }
    }
}
