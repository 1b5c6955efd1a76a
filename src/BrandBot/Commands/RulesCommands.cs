using BrandBot.Options;
using BrandBot.Rules.Import;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Store;

namespace BrandBot.Commands;

/// <summary>The <c>rules …</c> operator verbs. Exit codes: 0 done, 1 refused or problems found, 2 usage or environment.</summary>
internal static class RulesCommands
{
    public const string Usage = """
        brandbot rules validate FILE [--account NAME]
            Checks a rules file; prints every problem with its line; exit 1 on errors.
            With --account, also checks against that account's settings (e.g. reply_all needs an AppSecret).
        brandbot rules test --account NAME [--file RULES] ("text" | --event subscribe|scan|click [--key KEY])
            Which rule fires and the reply it gives: against the live version (Redis), or RULES / the RulesFile.
        brandbot rules publish FILE --account NAME [--by WHO] [--message TEXT]
        brandbot rules diff FILE --account NAME
        brandbot rules history --account NAME
        brandbot rules rollback --account NAME --to VERSION [--by WHO] [--message TEXT]
        brandbot rules export --account NAME
        brandbot rules stats --account NAME [--days N]
            Versioned rules and statistics in the shared store (needs BrandBot:Redis).
        brandbot rules import-console FILE.json [--out RULES.yaml]
            Converts the console's get_current_autoreply_info JSON into a rules file.
        All verbs accept --settings FILE like the server.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var line = new CommandLine(args.Skip(1));
        if (line.Errors.Count > 0)
        {
            return Fail(error, string.Join(Environment.NewLine, line.Errors));
        }

        return args.FirstOrDefault() switch
        {
            "validate" => await ValidateAsync(args, line, output, error),
            "test" => await RulesTestCommand.RunAsync(args, line, output, error),
            "publish" => await WithStoreAsync(args, line, error, store => PublishAsync(store, line, output, error)),
            "diff" => await WithStoreAsync(args, line, error, store => DiffAsync(store, line, output, error)),
            "history" => await WithStoreAsync(args, line, error, store => HistoryAsync(store, line, output, error)),
            "rollback" => await WithStoreAsync(args, line, error, store => RollbackAsync(store, line, output, error)),
            "export" => await WithStoreAsync(args, line, error, store => ExportAsync(store, line, output, error)),
            "stats" => await WithStoreAsync(args, line, error, store => RulesStatsCommand.RunAsync(store, line, output, error)),
            "import-console" => await ImportConsoleAsync(line, output, error),
            _ => Fail(error, Usage),
        };
    }

    private static async Task<int> ValidateAsync(string[] rawArgs, CommandLine line, TextWriter output, TextWriter error)
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

        var result = RulesFile.Parse(await File.ReadAllTextAsync(path), HasAppSecret(rawArgs, line["account"]));
        PrintProblems(path, result.Problems, output, error);
        var errors = result.Problems.Count(p => p.Severity == ProblemSeverity.Error);
        var warnings = result.Problems.Count - errors;
        output.WriteLine(errors == 0
            ? $"{path}: OK — {result.Definition?.Rules.Count ?? 0} rules, {warnings} warnings"
            : $"{path}: {errors} errors, {warnings} warnings");
        return errors == 0 ? 0 : 1;
    }

    private static async Task<int> PublishAsync(CommandStore store, CommandLine line, TextWriter output, TextWriter error)
    {
        if (await FileAndAccountAsync(line, "usage: brandbot rules publish FILE --account NAME [--by WHO] [--message TEXT]", error) is not (var path, var account, var yaml))
        {
            return 2;
        }

        var warnings = RulesFile.Parse(yaml, HasAppSecret(store.Options, account)).Problems.Where(p => p.Severity == ProblemSeverity.Warning);
        PrintProblems(path, warnings, output, error);
        try
        {
            var (snapshot, diff) = await store.Publisher.PublishAsync(account, yaml, line["by"] ?? Environment.UserName, line["message"]);
            output.WriteLine($"published version {snapshot.Version} for account '{account}' ({Summary(diff)})");
            return 0;
        }
        catch (PublishRefusedException ex)
        {
            PrintProblems(path, ex.Problems, output, error);
            error.WriteLine($"not published: {ex.Message}; the live version is unchanged");
            return 1;
        }
    }

    private static async Task<int> DiffAsync(CommandStore store, CommandLine line, TextWriter output, TextWriter error)
    {
        if (await FileAndAccountAsync(line, "usage: brandbot rules diff FILE --account NAME", error) is not (var path, var account, var yaml))
        {
            return 2;
        }

        try
        {
            var (diff, live) = await store.Publisher.DiffAsync(account, yaml);
            output.WriteLine($"against live version {live} of account '{account}':");
            if (diff.IsEmpty)
            {
                output.WriteLine("  no changes");
            }

            foreach (var name in diff.Added)
            {
                output.WriteLine($"  + {name}");
            }

            foreach (var name in diff.Changed)
            {
                output.WriteLine($"  ~ {name}");
            }

            foreach (var name in diff.Removed)
            {
                output.WriteLine($"  - {name}");
            }

            return 0;
        }
        catch (PublishRefusedException ex)
        {
            PrintProblems(path, ex.Problems, output, error);
            return 1;
        }
    }

    private static async Task<int> HistoryAsync(CommandStore store, CommandLine line, TextWriter output, TextWriter error)
    {
        if (line["account"] is not { } account)
        {
            return Fail(error, "usage: brandbot rules history --account NAME");
        }

        var history = await store.Store.GetHistoryAsync(account);
        var live = await store.Store.GetCurrentVersionAsync(account);
        output.WriteLine($"{"version",7}  {"time (UTC)",-19}  {"by",-12}  {"action",-8}  {"hash",-12}  changes / message");
        foreach (var record in history)
        {
            var marker = record.Version == live ? "*" : " ";
            output.WriteLine($"{record.Version,6}{marker}  {record.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {Short(record.By, 12),-12}  {record.Action,-8}  {record.ContentHash[..12]}  +{record.Added.Count} ~{record.Changed.Count} -{record.Removed.Count}  {record.Message}");
        }

        if (history.Count == 0)
        {
            output.WriteLine($"(account '{account}' has no published versions)");
        }

        return 0;
    }

    private static async Task<int> RollbackAsync(CommandStore store, CommandLine line, TextWriter output, TextWriter error)
    {
        if (line["account"] is not { } account || !long.TryParse(line["to"], out var version))
        {
            return Fail(error, "usage: brandbot rules rollback --account NAME --to VERSION [--by WHO] [--message TEXT]");
        }

        try
        {
            var (snapshot, diff) = await store.Publisher.RollbackAsync(account, version, line["by"] ?? Environment.UserName, line["message"]);
            output.WriteLine($"rolled back account '{account}' to the content of version {version}, live as version {snapshot.Version} ({Summary(diff)})");
            return 0;
        }
        catch (PublishRefusedException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }
    }

    private static async Task<int> ExportAsync(CommandStore store, CommandLine line, TextWriter output, TextWriter error)
    {
        if (line["account"] is not { } account)
        {
            return Fail(error, "usage: brandbot rules export --account NAME");
        }

        var live = await store.Store.GetCurrentAsync(account);
        if (live is null)
        {
            error.WriteLine($"account '{account}' has no published version");
            return 1;
        }

        // Exactly what was published, comments and all.
        output.Write(live.Yaml);
        return 0;
    }

    private static async Task<int> ImportConsoleAsync(CommandLine line, TextWriter output, TextWriter error)
    {
        if (line.Positional.Count != 1)
        {
            return Fail(error, "usage: brandbot rules import-console FILE.json [--out RULES.yaml]");
        }

        var json = await ReadFileAsync(line.Positional[0], error);
        if (json is null)
        {
            return 2;
        }

        ConsoleImport.Result result;
        try
        {
            result = ConsoleImport.Convert(json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            error.WriteLine($"{line.Positional[0]}: not JSON ({ex.Message})");
            return 1;
        }

        foreach (var note in result.Notes)
        {
            error.WriteLine($"note: {note}");
        }

        var parsed = RulesFile.Parse(result.Yaml);
        if (line["out"] is { } outPath)
        {
            await File.WriteAllTextAsync(outPath, result.Yaml);
            output.WriteLine($"wrote {outPath}; check it with: brandbot rules validate {outPath}");
        }
        else
        {
            output.Write(result.Yaml);
        }

        PrintProblems(line["out"] ?? "(imported)", parsed.Problems, error, error);
        return parsed.HasErrors ? 1 : 0;
    }

    private static async Task<int> WithStoreAsync(string[] rawArgs, CommandLine line, TextWriter error, Func<CommandStore, Task<int>> verb)
    {
        await using var store = await CommandStore.OpenAsync(CommandSettings.Load(rawArgs), error);
        return store is null ? 2 : await verb(store);
    }

    internal static void PrintProblems(string path, IEnumerable<RuleProblem> problems, TextWriter output, TextWriter error)
    {
        foreach (var problem in problems)
        {
            (problem.Severity == ProblemSeverity.Error ? error : output).WriteLine($"{path}:{problem}");
        }
    }

    /// <summary>False only when the account is configured and has no AppSecret (reply_all could not send the rest).</summary>
    private static bool HasAppSecret(string[] rawArgs, string? account) =>
        account is null || HasAppSecret(CommandSettings.Load(rawArgs), account);

    private static bool HasAppSecret(BrandBotOptions options, string account) =>
        CommandSettings.FindAccount(options, account) is not { } configured || !string.IsNullOrEmpty(configured.AppSecret);

    /// <summary>The FILE and --account NAME a verb needs, and the file's text; null (after saying why) otherwise.</summary>
    private static async Task<(string Path, string Account, string Yaml)?> FileAndAccountAsync(CommandLine line, string usage, TextWriter error)
    {
        if (line.Positional.Count != 1 || line["account"] is not { } account)
        {
            error.WriteLine(usage);
            return null;
        }

        return await ReadFileAsync(line.Positional[0], error) is { } yaml ? (line.Positional[0], account, yaml) : null;
    }

    private static async Task<string?> ReadFileAsync(string path, TextWriter error)
    {
        if (!File.Exists(path))
        {
            error.WriteLine($"{path}: file not found");
            return null;
        }

        return await File.ReadAllTextAsync(path);
    }

    private static string Summary(RuleSetDiff diff) =>
        diff.IsEmpty ? "no rule changes" : $"added: {List(diff.Added)}; changed: {List(diff.Changed)}; removed: {List(diff.Removed)}";

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "-" : string.Join(", ", names);

    private static string Short(string? text, int max) => text is null ? "-" : text.Length <= max ? text : text[..(max - 1)] + "…";

    internal static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        return 2;
    }
}
