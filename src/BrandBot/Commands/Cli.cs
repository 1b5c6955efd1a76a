using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using BrandBot.Options;

namespace BrandBot.Commands;

/// <summary>
/// The operator verbs (<c>rules …</c>, <c>account …</c>, <c>simulate …</c>, <c>probe</c>, <c>dashboard …</c>) on System.CommandLine: every verb
/// has <c>--help</c>; a usage mistake prints one error line and that verb's usage and exits 2.
/// Exit codes: 0 done, 1 refused or problems found, 2 usage or environment.
/// </summary>
public static class Cli
{
    public const int Done = 0;
    public const int Refused = 1;
    public const int Usage = 2;

    /// <summary>The first words that make a command line a verb rather than the server's own arguments.</summary>
    public static bool IsVerb(string? first) => first is "rules" or "account" or "messages" or "broadcast" or "simulate" or "probe" or "dashboard" or "help" or "--help" or "-h" or "-?";

    /// <param name="input">Where a verb reads an operator's answer (rollback's confirmation); the console's by default.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader? input = null)
    {
        var root = Build(output, error, input ?? Console.In);
        (args, CommandSettings.Overrides.Value) = CommandSettings.SplitOverrides(args);
        var parsed = root.Parse(args is ["help", .. var rest] ? [.. rest, "--help"] : args);
        var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if ((UnknownOption(parsed) ?? UnknownWord(parsed) ?? parsed.Errors.FirstOrDefault()?.Message) is { } problem && !IsHelp(parsed))
        {
            error.WriteLine($"error: {problem}");
            await root.Parse([.. PathOf(parsed.CommandResult), "--help"]).InvokeAsync(new InvocationConfiguration { Output = error, Error = error });
            return Usage;
        }

        try
        {
            return await parsed.InvokeAsync(invocation);
        }
        // A --settings file that is missing or not JSON: the environment, not the verb, is wrong.
        catch (StartupProblemsException ex)
        {
            foreach (var line in ex.Problems)
            {
                error.WriteLine($"error: {line}");
            }

            return Usage;
        }
        catch (InvalidDataException ex)
        {
            error.WriteLine($"error: {SettingsFileError.Describe(ex)}");
            return Usage;
        }
    }

    private static Command Build(TextWriter output, TextWriter error, TextReader input)
    {
        // Named for the launcher people type, not for the assembly the runtime happens to load.
        var root = new Command("brandbot", """
            BrandBot: a WeChat Official Account webhook.
              brandbot [--settings FILE] [--urls URL]   serves the webhook (any other first word)
            """)
        {
            new HelpOption(),
        };
        root.Subcommands.Add(RulesCommands.Build(output, error, input));
        root.Subcommands.Add(AccountCommands.Build(output, error));
        root.Subcommands.Add(BroadcastCommands.Build(output, error));
        root.Subcommands.Add(SimulateCommand.Build(output, error));
        root.Subcommands.Add(ProbeCommand.Build(output, error));
        root.Subcommands.Add(MessagesCommands.Build(output, error));
        root.Subcommands.Add(DashboardCommands.Build(output, error, input));
        return root;
    }

    /// <summary>
    /// A word that looks like an option but is none of the verb's. The parser would take it as a value
    /// (a FILE named "--nope"), which hides the typo behind a confusing second error.
    /// </summary>
    private static string? UnknownOption(ParseResult parsed)
    {
        foreach (var token in parsed.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                return null;
            }

            if (token.Type == TokenType.Argument && token.Value.StartsWith("--", StringComparison.Ordinal) && token.Value.Length > 2)
            {
                return $"unknown option '{token.Value}'";
            }
        }

        return null;
    }

    /// <summary>
    /// A word the verb has no place for. Named first: for a mistyped verb (<c>rules publsh</c>) the
    /// parser's first error is "Required command was not provided", which hides the typo.
    /// </summary>
    private static string? UnknownWord(ParseResult parsed) =>
        parsed.UnmatchedTokens.FirstOrDefault() is not { } word ? null
        : parsed.CommandResult.Command.Subcommands.Count > 0 ? $"unknown verb '{word}'"
        : $"unexpected argument '{word}'";

    private static bool IsHelp(ParseResult parsed) => parsed.Action is HelpAction;

    /// <summary>The verb words that lead to <paramref name="result"/>'s command, e.g. <c>rules publish</c>.</summary>
    private static List<string> PathOf(CommandResult result)
    {
        var path = new List<string>();
        for (var current = result; current.Parent is CommandResult parent; current = parent)
        {
            path.Insert(0, current.Command.Name);
        }

        return path;
    }
}
