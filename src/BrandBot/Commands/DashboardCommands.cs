using System.CommandLine;
using System.Text;
using BrandBot.Dashboard;

namespace BrandBot.Commands;

/// <summary>
/// <c>dashboard hash-token</c>: turns a person's dashboard token into the salted hash their
/// <c>BrandBot:Dashboard:Operators:N:TokenHash</c> setting holds (docs/dashboard.md#named-operators).
/// The token is read from standard input or typed at a prompt without echo, never taken as an argument:
/// an argument lands in the shell's history and in every process listing.
/// </summary>
internal static class DashboardCommands
{
    public static Command Build(TextWriter output, TextWriter error, TextReader input)
    {
        var dashboard = new Command("dashboard", "Settings for the operator dashboard.");
        dashboard.Subcommands.Add(HashToken(output, error, input));
        return dashboard;
    }

    private static Command HashToken(TextWriter output, TextWriter error, TextReader input)
    {
        var iterations = new Option<int>("--iterations")
        {
            Description = $"PBKDF2 iterations ({OperatorTokenHash.MinIterations}–{OperatorTokenHash.MaxIterations}); each failed sign-in costs one derivation per operator",
            HelpName = "N",
            DefaultValueFactory = _ => OperatorTokenHash.DefaultIterations,
        };
        iterations.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < OperatorTokenHash.MinIterations or > OperatorTokenHash.MaxIterations)
            {
                result.AddError($"--iterations must be from {OperatorTokenHash.MinIterations} to {OperatorTokenHash.MaxIterations}");
            }
        });
        var command = new Command("hash-token", $"""
            Reads a person's dashboard token (at least {DashboardOptionsValidator.MinTokenLength} characters) and prints the line for
            BrandBot:Dashboard:Operators:N:TokenHash. The token comes from standard input (e.g. a pipe from a
            password manager) or, at a terminal, is typed twice without echo; never as an argument, which the
            shell's history would keep.
            """) { iterations };
        command.SetAction(parsed => Run(parsed.GetValue(iterations), input, output, error));
        return command;
    }

    private static int Run(int iterations, TextReader input, TextWriter output, TextWriter error)
    {
        string? token;
        if (ReferenceEquals(input, Console.In) && !Console.IsInputRedirected)
        {
            token = Prompt("token (not shown): ", error);
            if (token is not null && Prompt("the same token again: ", error) != token)
            {
                error.WriteLine("error: the two tokens differ; nothing printed: run it again, or pipe the token in (brandbot dashboard hash-token < token-file)");
                return Cli.Usage;
            }
        }
        else
        {
            // One line: a token piped in ends at its line break (the break is not part of it).
            token = input.ReadLine();
        }

        if (string.IsNullOrEmpty(token))
        {
            error.WriteLine("error: no token given: pipe it in (brandbot dashboard hash-token < token-file) or type it at the prompt");
            return Cli.Usage;
        }

        if (token.Length < DashboardOptionsValidator.MinTokenLength)
        {
            error.WriteLine($"error: the token must be at least {DashboardOptionsValidator.MinTokenLength} characters (got {token.Length}); a random one: openssl rand -base64 24");
            return Cli.Usage;
        }

        output.WriteLine(OperatorTokenHash.Create(token, iterations));
        return Cli.Done;
    }

    /// <summary>Reads a line at the terminal without echoing it; null when input ends first.</summary>
    private static string? Prompt(string question, TextWriter error)
    {
        error.Write(question);
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                error.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (key.KeyChar == '\u0004' && typed.Length == 0)
            {
                error.WriteLine();
                return null;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
