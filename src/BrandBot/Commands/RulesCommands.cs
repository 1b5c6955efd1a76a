using System.CommandLine;
using BrandBot.Dashboard;
using BrandBot.Options;
using BrandBot.Rules.Import;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Store;

namespace BrandBot.Commands;

/// <summary>The <c>rules …</c> operator verbs. Exit codes: 0 done, 1 refused or problems found, 2 usage or environment.</summary>
internal static class RulesCommands
{
    public static Command Build(TextWriter output, TextWriter error, TextReader input)
    {
        var rules = new Command("rules", "Check, test, publish and roll back rules files; read the statistics.");
        rules.Subcommands.Add(Validate(output, error));
        rules.Subcommands.Add(RulesTestCommand.Build(output, error));
        rules.Subcommands.Add(Publish(output, error));
        rules.Subcommands.Add(Diff(output, error));
        rules.Subcommands.Add(History(output, error));
        rules.Subcommands.Add(Rollback(output, error, input));
        rules.Subcommands.Add(Export(output, error));
        rules.Subcommands.Add(RulesStatsCommand.Build(output, error));
        rules.Subcommands.Add(ImportConsole(output, error));
        return rules;
    }

    private static Command Validate(TextWriter output, TextWriter error)
    {
        var file = CommonOptions.File("the rules file");
        var account = CommonOptions.Account(required: false);
        account.Description = "also check against this account's settings (e.g. reply_all needs an AppSecret)";
        var settings = CommonOptions.Settings();
        var command = new Command("validate", "Checks a rules file; prints every problem with its line; exit 1 on errors.") { file, account, settings };
        command.SetAction(parsed => ValidateAsync(parsed.GetValue(file)!, parsed.GetValue(account), parsed.GetValue(settings), output, error));
        return command;
    }

    private static Command Publish(TextWriter output, TextWriter error)
    {
        var (file, account, settings, by, message) = (CommonOptions.File("the rules file to publish"), CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.By(), CommonOptions.Message());
        var command = new Command("publish", "Validates FILE and makes it the live version of the account on every instance (needs BrandBot:Redis).") { file, account, settings, by, message };
        command.SetAction(parsed => WithStoreAsync(parsed.GetValue(settings), error, store =>
            PublishAsync(store, parsed.GetValue(file)!, parsed.GetValue(account)!, parsed.GetValue(by), parsed.GetValue(message), output, error)));
        return command;
    }

    private static Command Diff(TextWriter output, TextWriter error)
    {
        var (file, account, settings, json) = (CommonOptions.File("the rules file to compare"), CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.Json());
        var command = new Command("diff", "Rule by rule, what publishing FILE would change against the live version: + added, ~ changed, - removed.") { file, account, settings, json };
        command.SetAction(parsed => WithStoreAsync(parsed.GetValue(settings), error, store =>
            DiffAsync(store, parsed.GetValue(file)!, parsed.GetValue(account)!, parsed.GetValue(json), output, error)));
        return command;
    }

    private static Command History(TextWriter output, TextWriter error)
    {
        var (account, settings, json) = (CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.Json());
        var command = new Command("history", "Every published version: version, time, who, action, hash, +added ~changed -removed, message (* = live).") { account, settings, json };
        command.SetAction(parsed => WithStoreAsync(parsed.GetValue(settings), error, store =>
            HistoryAsync(store, parsed.GetValue(account)!, parsed.GetValue(json), output)));
        return command;
    }

    private static Command Rollback(TextWriter output, TextWriter error, TextReader input)
    {
        var (account, settings, by, message) = (CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.By(), CommonOptions.Message());
        var to = new Option<long>("--to") { Description = "the version whose content becomes live again, as a new version", HelpName = "VERSION", Required = true };
        var yes = new Option<bool>("--yes") { Description = "roll back without showing the changes and asking (for scripts)" };
        var command = new Command("rollback", "Shows what rolling back would change, asks, then makes an earlier version's content live as a new version.") { account, to, settings, by, message, yes };
        command.SetAction(parsed => WithStoreAsync(parsed.GetValue(settings), error, store =>
            RollbackAsync(store, new RollbackRequest(parsed.GetValue(account)!, parsed.GetValue(to), parsed.GetValue(by), parsed.GetValue(message), parsed.GetValue(yes)), input, output, error)));
        return command;
    }

    private static Command Export(TextWriter output, TextWriter error)
    {
        var (account, settings) = (CommonOptions.Account(), CommonOptions.Settings());
        var command = new Command("export", "Prints the live version's YAML byte for byte.") { account, settings };
        command.SetAction(parsed => WithStoreAsync(parsed.GetValue(settings), error, store => ExportAsync(store, parsed.GetValue(account)!, output, error)));
        return command;
    }

    private static Command ImportConsole(TextWriter output, TextWriter error)
    {
        var file = CommonOptions.File("the console's get_current_autoreply_info JSON");
        var outPath = new Option<string?>("--out") { Description = "write the rules file here instead of printing it", HelpName = "RULES.yaml" };
        var command = new Command("import-console", "Converts the console's auto-reply settings into a rules file.") { file, outPath };
        command.SetAction(parsed => ImportConsoleAsync(parsed.GetValue(file)!, parsed.GetValue(outPath), output, error));
        return command;
    }

    private static async Task<int> ValidateAsync(string path, string? account, string? settings, TextWriter output, TextWriter error)
    {
        // Read first, so a --settings file that does not exist is reported before anything else.
        var options = settings is null && account is null ? null : CommandSettings.Load(settings);
        if (!File.Exists(path))
        {
            return Fail(error, $"{path}: file not found");
        }

        var result = RulesFile.Parse(await File.ReadAllTextAsync(path), account is null || HasAppSecret(options!, account));
        // Local files are checked against WeChat's limits here too, so a mistake shows before apply (docs/rules-file.md#local-files).
        var problems = result.Definition is { } rules
            ? [.. result.Problems.Concat(Account.Media.RuleMediaFiles.Check(rules, Path.GetDirectoryName(Path.GetFullPath(path))!).Problems).OrderBy(p => p.Line)]
            : result.Problems;
        PrintProblems(path, problems, output, error);
        var errors = problems.Count(p => p.Severity == ProblemSeverity.Error);
        var warnings = problems.Count - errors;
        output.WriteLine(errors == 0
            ? $"{path}: OK — {result.Definition?.Rules.Count ?? 0} rules, {warnings} warnings"
            : $"{path}: {errors} errors, {warnings} warnings");
        return errors == 0 ? Cli.Done : Cli.Refused;
    }

    private static async Task<int> PublishAsync(CommandStore store, string path, string account, string? by, string? message, TextWriter output, TextWriter error)
    {
        if (await ReadFileAsync(path, error) is not { } yaml)
        {
            return Cli.Usage;
        }

        var warnings = RulesFile.Parse(yaml, HasAppSecret(store.Options, account)).Problems.Where(p => p.Severity == ProblemSeverity.Warning);
        PrintProblems(path, warnings, output, error);
        try
        {
            var published = await store.Publisher.PublishAsync(account, yaml, by ?? Environment.UserName, message, mediaFolder: Path.GetDirectoryName(Path.GetFullPath(path)));
            output.WriteLine(published.Unchanged
                ? $"no changes: version {published.Snapshot.Version} of account '{account}' is already this content; nothing written"
                : $"published version {published.Snapshot.Version} for account '{account}' ({Summary(published.Diff)})");
            return Cli.Done;
        }
        catch (PublishRefusedException ex)
        {
            PrintProblems(path, ex.Problems, output, error);
            error.WriteLine($"not published: {ex.Message}; the live version is unchanged");
            return Cli.Refused;
        }
    }

    private static async Task<int> DiffAsync(CommandStore store, string path, string account, bool json, TextWriter output, TextWriter error)
    {
        if (await ReadFileAsync(path, error) is not { } yaml)
        {
            return Cli.Usage;
        }

        try
        {
            var (diff, live) = await store.Publisher.DiffAsync(account, yaml, mediaFolder: Path.GetDirectoryName(Path.GetFullPath(path)));
            if (json)
            {
                CommonOptions.WriteJson(output, new { account, live, added = diff.Added, changed = diff.Changed, removed = diff.Removed });
                return Cli.Done;
            }

            output.WriteLine($"against live version {live} of account '{account}':");
            PrintDiff(diff, output);
            return Cli.Done;
        }
        catch (PublishRefusedException ex)
        {
            PrintProblems(path, ex.Problems, output, error);
            return Cli.Refused;
        }
    }

    private static async Task<int> HistoryAsync(CommandStore store, string account, bool json, TextWriter output)
    {
        var history = await store.Store.GetHistoryAsync(account);
        var live = await store.Store.GetCurrentVersionAsync(account);
        if (json)
        {
            CommonOptions.WriteJson(output, new
            {
                account,
                live,
                versions = history.Select(r => new
                {
                    r.Version, r.At, r.By, r.Action, r.ContentHash, r.Added, r.Changed, r.Removed, r.Message, live = r.Version == live,
                }),
            });
            return Cli.Done;
        }

        output.WriteLine($"{"version",7}  {"time",-23}  {"by",-24}  {"action",-8}  {"hash",-12}  changes / message");
        foreach (var record in history)
        {
            var marker = record.Version == live ? "*" : " ";
            output.WriteLine($"{record.Version,6}{marker}  {UtcTime.Format(record.At)}  {Short(record.By, 24),-24}  {record.Action,-8}  {record.ContentHash[..12]}  +{record.Added.Count} ~{record.Changed.Count} -{record.Removed.Count}  {record.Message}");
        }

        if (history.Count == 0)
        {
            output.WriteLine($"(account '{account}' has no published versions)");
        }

        return Cli.Done;
    }

    private sealed record RollbackRequest(string Account, long Version, string? By, string? Message, bool Yes);

    /// <summary>
    /// A rollback changes what every follower is answered: like the dashboard's typed phrase, the operator
    /// sees the changes and says yes first (or passes <c>--yes</c>). Without an answer nothing happens.
    /// </summary>
    private static async Task<int> RollbackAsync(CommandStore store, RollbackRequest request, TextReader input, TextWriter output, TextWriter error)
    {
        var (account, version) = (request.Account, request.Version);
        try
        {
            if (!request.Yes)
            {
                var target = await store.Store.GetVersionAsync(account, version)
                    ?? throw new PublishRefusedException($"account '{account}' has no version {version}");
                var (diff, live) = await store.Publisher.DiffAsync(account, target.Yaml);
                output.WriteLine($"rolling back account '{account}' from live version {live} to the content of version {version}:");
                PrintDiff(diff, output);
                if (diff.IsEmpty)
                {
                    output.WriteLine($"no changes: version {live} is already this content; nothing written");
                    return Cli.Done;
                }

                output.Write("type yes to roll back: ");
                if (!string.Equals((await input.ReadLineAsync())?.Trim(), "yes", StringComparison.OrdinalIgnoreCase))
                {
                    output.WriteLine();
                    error.WriteLine("not rolled back: the answer was not yes (pass --yes to roll back without asking)");
                    return Cli.Refused;
                }
            }

            var rolledBack = await store.Publisher.RollbackAsync(account, version, request.By ?? Environment.UserName, request.Message);
            output.WriteLine(rolledBack.Unchanged
                ? $"no changes: version {rolledBack.Snapshot.Version} of account '{account}' is already the content of version {version}; nothing written"
                : $"rolled back account '{account}' to the content of version {version}, live as version {rolledBack.Snapshot.Version} ({Summary(rolledBack.Diff)})");
            return Cli.Done;
        }
        catch (PublishRefusedException ex)
        {
            error.WriteLine(ex.Message);
            return Cli.Refused;
        }
    }

    private static void PrintDiff(RuleSetDiff diff, TextWriter output)
    {
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
    }

    private static async Task<int> ExportAsync(CommandStore store, string account, TextWriter output, TextWriter error)
    {
        var live = await store.Store.GetCurrentAsync(account);
        if (live is null)
        {
            error.WriteLine($"account '{account}' has no published version");
            return Cli.Refused;
        }

        // Exactly what was published, comments and all.
        output.Write(live.Yaml);
        return Cli.Done;
    }

    private static async Task<int> ImportConsoleAsync(string path, string? outPath, TextWriter output, TextWriter error)
    {
        var json = await ReadFileAsync(path, error);
        if (json is null)
        {
            return Cli.Usage;
        }

        ConsoleImport.Result result;
        try
        {
            result = ConsoleImport.Convert(json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            error.WriteLine($"{path}: not JSON ({ex.Message})");
            return Cli.Refused;
        }

        foreach (var note in result.Notes)
        {
            error.WriteLine($"note: {note}");
        }

        var parsed = RulesFile.Parse(result.Yaml);
        if (outPath is not null)
        {
            await File.WriteAllTextAsync(outPath, result.Yaml);
            output.WriteLine($"wrote {outPath}; check it with: brandbot rules validate {outPath}");
        }
        else
        {
            output.Write(result.Yaml);
        }

        PrintProblems(outPath ?? "(imported)", parsed.Problems, error, error);
        return parsed.HasErrors ? Cli.Refused : Cli.Done;
    }

    internal static async Task<int> WithStoreAsync(string? settings, TextWriter error, Func<CommandStore, Task<int>> verb, string? withoutRedis = null)
    {
        var options = CommandSettings.Load(settings);
        await using var store = withoutRedis is null ? await CommandStore.OpenAsync(options, error) : await CommandStore.OpenAsync(options, error, withoutRedis);
        return store is null ? Cli.Usage : await verb(store);
    }

    internal static void PrintProblems(string path, IEnumerable<RuleProblem> problems, TextWriter output, TextWriter error)
    {
        foreach (var problem in problems)
        {
            (problem.Severity == ProblemSeverity.Error ? error : output).WriteLine($"{path}:{problem}");
        }
    }

    /// <summary>False only when the account is configured and has no AppSecret (reply_all could not send the rest).</summary>
    private static bool HasAppSecret(BrandBotOptions options, string account) =>
        CommandSettings.FindAccount(options, account) is not { } configured || !string.IsNullOrEmpty(configured.AppSecret);

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
        return Cli.Usage;
    }
}
