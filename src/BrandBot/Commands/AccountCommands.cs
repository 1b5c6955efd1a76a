using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using BrandBot.Account;
using BrandBot.Account.Import;
using BrandBot.Account.Media;
using BrandBot.Account.Planning;
using BrandBot.Account.QrCodes;
using BrandBot.Dashboard;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Model;
using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Commands;

/// <summary>
/// The <c>account …</c> verbs (docs/account-as-code.md): the menu, QR-code channels and tags the rules file declares,
/// planned against what WeChat has and applied through its API. They need the shared store (BrandBot's
/// record of minted codes, the audit, the apply lock) and the account's AppSecret.
/// </summary>
internal static class AccountCommands
{
    /// <summary>Why the account verbs need Redis, for the operator who has none configured.</summary>
    private const string WhyRedis = "BrandBot's record of minted QR codes, the apply audit and lock live there";

    /// <summary>How long an apply waits for another apply of the same account to finish.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(60);

    public static Command Build(TextWriter output, TextWriter error)
    {
        var account = new Command("account", "Run the account from the rules file: menu, QR-code channels and follower tags, planned and applied through the WeChat API.");
        account.Subcommands.Add(Plan(output, error));
        account.Subcommands.Add(Apply(output, error));
        account.Subcommands.Add(Qr(output, error));
        account.Subcommands.Add(Import(output, error));
        account.Subcommands.Add(History(output, error));
        return account;
    }

    private static Command Plan(TextWriter output, TextWriter error)
    {
        var (file, account, settings, json) = (CommonOptions.File("the rules file"), CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.Json());
        var command = new Command("plan", "Prints what apply would change — local files to upload (kind, size, hash; or unchanged), the menu button by button, conditional menus, tags to create, codes to mint — and writes nothing. Last line: N changes, or no changes.") { file, account, settings, json };
        command.SetAction(parsed => WithAccountAsync(parsed.GetValue(settings), parsed.GetValue(account)!, error, (store, session) =>
            PlanAsync(store, session, parsed.GetValue(file)!, parsed.GetValue(json), output, error)));
        return command;
    }

    private static Command Apply(TextWriter output, TextWriter error)
    {
        var (file, account, settings, by) = (CommonOptions.File("the rules file"), CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.By());
        var command = new Command("apply", "Validates FILE and its local files (WeChat's format and size limits), then makes exactly the changes plan shows (uploads, tags, menu, conditional menus, codes), audited; a second apply of the same file makes none.") { file, account, settings, by };
        command.SetAction(parsed => WithAccountAsync(parsed.GetValue(settings), parsed.GetValue(account)!, error, (store, session) =>
            ApplyAsync(store, session, parsed.GetValue(file)!, parsed.GetValue(by) ?? Environment.UserName, output, error)));
        return command;
    }

    private static Command Qr(TextWriter output, TextWriter error)
    {
        var (account, settings) = (CommonOptions.Account(), CommonOptions.Settings());
        var scene = new Option<string>("--scene") { Description = "the scene (follow.scenes.NAME) whose code to draw", HelpName = "SCENE", Required = true };
        var outPath = new Option<string>("--out") { Description = "the image to write: .png, or .svg for print", HelpName = "FILE.png|FILE.svg", Required = true };
        outPath.Validators.Add(result =>
        {
            var path = result.GetValueOrDefault<string>() ?? "";
            if (!QrImage.IsPng(path) && !QrImage.IsSvg(path))
            {
                result.AddError("--out must end in .png or .svg");
            }
        });
        var size = new Option<int>("--size") { Description = $"about this many pixels wide (default {QrImage.DefaultSize})", HelpName = "PX", DefaultValueFactory = _ => QrImage.DefaultSize };
        size.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 50 or > 10_000)
            {
                result.AddError("--size must be from 50 to 10000");
            }
        });
        var command = new Command("qr", "Draws the scene's code as PNG or SVG from the code's URL; a temporary code past its expiry is refused with the date.") { account, scene, outPath, size, settings };
        command.SetAction(parsed => RulesCommands.WithStoreAsync(parsed.GetValue(settings), error, store =>
            QrAsync(store, parsed.GetValue(account)!, parsed.GetValue(scene)!, parsed.GetValue(outPath)!, parsed.GetValue(size), output, error), WhyRedis));
        return command;
    }

    private static Command Import(TextWriter output, TextWriter error)
    {
        var (account, settings) = (CommonOptions.Account(), CommonOptions.Settings());
        var outPath = new Option<string?>("--out") { Description = "write the YAML here instead of printing it", HelpName = "FILE" };
        var command = new Command("import", "Today's menu (also one built in the console) as rules-file YAML: menu buttons, and a rule for each console-only answer.") { account, outPath, settings };
        command.SetAction(parsed => WithApiOnlyAsync(parsed.GetValue(settings), parsed.GetValue(account)!, error, session =>
            ImportAsync(session, parsed.GetValue(outPath), output, error)));
        return command;
    }

    private static Command History(TextWriter output, TextWriter error)
    {
        var (account, settings, json) = (CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.Json());
        var command = new Command("history", "Every apply: time, who, the file's hash, what it changed.") { account, settings, json };
        command.SetAction(parsed => RulesCommands.WithStoreAsync(parsed.GetValue(settings), error, async store =>
        {
            var name = parsed.GetValue(account)!;
            var records = await store.AccountRecords.GetAuditAsync(name);
            if (parsed.GetValue(json))
            {
                CommonOptions.WriteJson(output, new { account = name, applies = records });
                return Cli.Done;
            }

            foreach (var record in records)
            {
                output.WriteLine($"{UtcTime.Format(record.At)}  {record.By}  {record.ContentHash[..12]}  {record.Changes.Count} changes{(record.Error is null ? "" : "  stopped: " + record.Error)}");
                foreach (var change in record.Changes)
                {
                    output.WriteLine($"    {change}");
                }
            }

            if (records.Count == 0)
            {
                output.WriteLine($"(account '{name}' has no applies)");
            }

            return Cli.Done;
        }, WhyRedis));
        return command;
    }

    private static async Task<int> PlanAsync(CommandStore store, AccountSession session, string path, bool json, TextWriter output, TextWriter error)
    {
        if (await ReadRulesAsync(path, store, session.Api.Account, output, error) is not { } file)
        {
            return Cli.Refused;
        }

        var uploads = await RuleMediaFiles.PlanAsync(file.Media, store.Media, session.Api.Account, default);
        var plan = AccountPlanner.Plan(file.Rules, await AccountState.ReadAsync(session.Api, store.AccountRecords, default), DateTimeOffset.UtcNow, uploads);
        if (json)
        {
            CommonOptions.WriteJson(output, new
            {
                account = session.Api.Account,
                changes = plan.Changes.Select(c => new { sign = c.Sign.ToString(), c.Kind, c.Target, c.Detail }),
                uploads = plan.Uploads.Select(u => new { file = u.File.File, kind = u.File.Kind.Name, size = u.File.Size, sha256 = u.File.Sha256, action = u.Unchanged ? "unchanged" : "upload" }),
                count = plan.Changes.Count,
            });
            return Cli.Done;
        }

        output.WriteLine($"account '{session.Api.Account}' against WeChat and BrandBot's record of codes and uploads:");
        foreach (var change in plan.Changes)
        {
            output.WriteLine($"  {change}");
        }

        foreach (var upload in plan.Uploads.Where(u => u.Unchanged))
        {
            output.WriteLine($"  = {upload}");
        }

        output.WriteLine(Count(plan.Changes.Count));
        return Cli.Done;
    }

    private static async Task<int> ApplyAsync(CommandStore store, AccountSession session, string path, string by, TextWriter output, TextWriter error)
    {
        if (await ReadRulesAsync(path, store, session.Api.Account, output, error) is not { } file)
        {
            return Cli.Refused;
        }

        var records = store.AccountRecords;
        await using var held = await records.LockAsync(session.Api.Account, LockWait);
        if (held is null)
        {
            error.WriteLine($"another apply of account '{session.Api.Account}' has held its lock for over {LockWait.TotalSeconds:0} s; nothing was changed");
            return Cli.Refused;
        }

        // Planned under the lock, so a second apply waiting here sees what the first one did.
        var state = await AccountState.ReadAsync(session.Api, records, default);
        var uploads = await RuleMediaFiles.PlanAsync(file.Media, store.Media, session.Api.Account, default);
        var plan = AccountPlanner.Plan(file.Rules, state, DateTimeOffset.UtcNow, uploads);
        if (plan.IsEmpty)
        {
            output.WriteLine("no changes");
            return Cli.Done;
        }

        var result = await new AccountApplier(session.Api, records, TimeProvider.System, store.Media).ApplyAsync(plan, state.Tags, default);
        foreach (var done in result.Done)
        {
            output.WriteLine($"  done: {done}");
        }

        var changes = result.Error is null ? plan.Changes.Select(c => c.ToString()).ToList() : [.. result.Done];
        await records.AppendAuditAsync(session.Api.Account, new AccountAuditRecord(DateTimeOffset.UtcNow, by, file.Hash, changes, result.Error));
        if (result.Error is not null)
        {
            error.WriteLine($"stopped: {result.Error}; {result.Done.Count} of {plan.Steps.Count} calls made (run account plan to see what is left)");
            return Cli.Refused;
        }

        output.WriteLine($"applied {Count(plan.Changes.Count)}");
        if (plan.Steps.Any(s => s is CreateMenuStep or AddConditionalStep or DeleteConditionalStep))
        {
            output.WriteLine("note: phones fetch menus again within about 5 minutes; unfollow and follow again to see it at once");
        }

        if (plan.Steps.Any(s => s is UploadMediaStep))
        {
            output.WriteLine($"note: replies answer with the uploaded files once the rules are published: brandbot rules publish {path} --account {session.Api.Account}");
        }

        return Cli.Done;
    }

    private static async Task<int> QrAsync(CommandStore store, string account, string scene, string path, int size, TextWriter output, TextWriter error)
    {
        var codes = await store.AccountRecords.GetCodesAsync(account);
        if (!codes.TryGetValue(scene, out var code))
        {
            error.WriteLine($"scene '{scene}' of account '{account}' has no code yet: declare follow.scenes.{scene}.qr in the rules file and run account apply");
            return Cli.Refused;
        }

        if (code.IsExpired(DateTimeOffset.UtcNow))
        {
            error.WriteLine($"the code for scene '{scene}' expired on {UtcTime.Format(code.ExpiresAt!.Value)}; run account apply to mint a new one");
            return Cli.Refused;
        }

        var svg = QrImage.IsSvg(path);
        await File.WriteAllBytesAsync(path, QrImage.Render(code.Url, svg, size));
        var life = code.Permanent ? "permanent" : $"valid until {UtcTime.Format(code.ExpiresAt!.Value)}";
        output.WriteLine($"wrote {path} ({(svg ? "SVG" : "PNG")}) for scene '{scene}', {life}: {code.Url}");
        return Cli.Done;
    }

    private static async Task<int> ImportAsync(AccountSession session, string? outPath, TextWriter output, TextWriter error)
    {
        var self = session.Api.GetSelfMenuAsync(default);
        var menu = session.Api.GetMenuAsync(default);
        var tags = session.Api.GetTagsAsync(default);
        await Task.WhenAll(self, menu, tags);
        var result = MenuImport.Convert(self.Result, menu.Result, tags.Result.ToDictionary(t => t.Value, t => t.Key), DateOnly.FromDateTime(DateTime.UtcNow));
        foreach (var note in result.Notes)
        {
            error.WriteLine($"note: {note}");
        }

        if (outPath is null)
        {
            output.Write(result.Yaml);
        }
        else
        {
            await File.WriteAllTextAsync(outPath, result.Yaml);
            output.WriteLine($"wrote {outPath}; merge it into the rules file and check it with: brandbot rules validate FILE");
        }

        var parsed = RulesFile.Parse(result.Yaml);
        RulesCommands.PrintProblems(outPath ?? "(imported)", parsed.Problems.Where(p => p.Severity == ProblemSeverity.Error), error, error);
        return Cli.Done;
    }

    /// <summary>Reads and validates the rules file and its local files (WeChat's limits, before any call); prints the problems; null when there are errors.</summary>
    private static async Task<(RuleSetDefinition Rules, string Hash, IReadOnlyList<RuleMediaFile> Media)?> ReadRulesAsync(string path, CommandStore store, string account, TextWriter output, TextWriter error)
    {
        if (!File.Exists(path))
        {
            error.WriteLine($"{path}: file not found");
            return null;
        }

        var yaml = await File.ReadAllTextAsync(path);
        var hasSecret = !string.IsNullOrEmpty(CommandSettings.FindAccount(store.Options, account)?.AppSecret);
        var result = RulesFile.Parse(yaml, hasSecret);
        var (media, mediaProblems) = result.Definition is { } parsed
            ? RuleMediaFiles.Check(parsed, Path.GetDirectoryName(Path.GetFullPath(path))!)
            : ([], []);
        var problems = result.Problems.Concat(mediaProblems).OrderBy(p => p.Line).ToList();
        RulesCommands.PrintProblems(path, problems, output, error);
        if (result.HasErrors || mediaProblems.Count > 0)
        {
            error.WriteLine($"{path}: {problems.Count(p => p.Severity == ProblemSeverity.Error)} errors; nothing planned or changed");
            return null;
        }

        return (result.Definition!, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), media);
    }

    private static string Count(int changes) => changes == 0 ? "no changes" : $"{changes} changes";

    /// <summary>
    /// For a verb that only reads WeChat (import): with BrandBot:Redis the servers' shared token, without
    /// it a token of its own — a brand moving over may not have Redis yet.
    /// </summary>
    private static async Task<int> WithApiOnlyAsync(string? settings, string account, TextWriter error, Func<AccountSession, Task<int>> verb)
    {
        var options = CommandSettings.Load(settings);
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            return await WithAccountAsync(settings, account, error, (_, session) => verb(session));
        }

        using var session = AccountSession.Open(options, account, new InMemoryTokenStore(TimeProvider.System), error);
        return session is null ? Cli.Usage : await RunAsync(() => verb(session), error);
    }

    /// <summary>Runs a verb that calls WeChat, telling its refusals as one line.</summary>
    private static async Task<int> RunAsync(Func<Task<int>> verb, TextWriter error)
    {
        try
        {
            return await verb();
        }
        catch (Exception ex) when (ex is WeChatApiException or HttpRequestException or TokenUnavailableException or TaskCanceledException)
        {
            error.WriteLine($"WeChat's API: {AccountApplier.Explain(ex)}");
            return Cli.Refused;
        }
    }

    /// <summary>Opens the store and the account's API session, runs the verb, and closes both.</summary>
    private static Task<int> WithAccountAsync(string? settings, string account, TextWriter error, Func<CommandStore, AccountSession, Task<int>> verb) =>
        RulesCommands.WithStoreAsync(settings, error, async store =>
        {
            using var session = AccountSession.Open(store.Options, account, store.Tokens, error);
            if (session is null)
            {
                return Cli.Usage;
            }

            return await RunAsync(() => verb(store, session), error);
        }, WhyRedis);
}
