using System.CommandLine;
using System.Globalization;
using BrandBot.Account;
using BrandBot.Broadcasts;
using BrandBot.Broadcasts.Files;
using BrandBot.Broadcasts.Planning;
using BrandBot.Broadcasts.Sending;
using BrandBot.Broadcasts.Status;
using BrandBot.Dashboard;
using BrandBot.Options;
using BrandBot.Redis;
using BrandBot.Rules;
using BrandBot.WeChatApi;
using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Commands;

/// <summary>
/// The <c>broadcast …</c> verbs (docs/broadcasts.md): plan, preview, send, cancel and status of a
/// broadcast file. They need the shared store, where the servers find scheduled broadcasts and where
/// each batch's state is written before its call.
/// </summary>
internal static class BroadcastCommands
{
    private const string WhyRedis = "broadcasts, their schedule and each batch's state live there, shared with the servers";

    public static Command Build(TextWriter output, TextWriter error)
    {
        var broadcast = new Command("broadcast", "Broadcasts (群发) declared in a file: planned, previewed to testers, sent exactly once (now or at the file's time), and their unfollow cost.");
        broadcast.Subcommands.Add(Plan(output, error));
        broadcast.Subcommands.Add(Preview(output, error));
        broadcast.Subcommands.Add(Send(output, error));
        broadcast.Subcommands.Add(Cancel(output, error));
        broadcast.Subcommands.Add(Status(output, error));
        return broadcast;
    }

    private static Command Plan(TextWriter output, TextWriter error)
    {
        var (file, account, settings, json) = (CommonOptions.File("the broadcast file"), CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.Json());
        var command = new Command("plan", "Prints what send would do — audience size, batches and their clientmsgids, uploads by content hash, quota use — and writes nothing. Last line: N changes.") { file, account, settings, json };
        command.SetAction(parsed => WithBroadcastsAsync(parsed.GetValue(settings), parsed.GetValue(account)!, parsed.GetValue(file), output, error, async (session, broadcast) =>
        {
            var plan = await session.Get<BroadcastPlanner>().PlanAsync(session.Api, session.Account, broadcast!, default);
            if (parsed.GetValue(json))
            {
                CommonOptions.WriteJson(output, new { id = broadcast!.Id, account = session.Account.Name, lines = plan.Lines, warnings = plan.Warnings, refusals = plan.Refusals, audience = plan.AudienceSize, clientMsgIds = plan.ClientMsgIds, changes = plan.Changes });
                return plan.Refusals.Count > 0 ? Cli.Refused : Cli.Done;
            }

            foreach (var line in plan.Lines)
            {
                output.WriteLine(line);
            }

            foreach (var warning in plan.Warnings)
            {
                output.WriteLine($"  warning: {warning}");
            }

            foreach (var refusal in plan.Refusals)
            {
                error.WriteLine($"refused: {refusal}");
            }

            output.WriteLine(plan.Changes == 0 ? "no changes" : $"{plan.Changes} changes");
            return plan.Refusals.Count > 0 ? Cli.Refused : Cli.Done;
        }));
        return command;
    }

    private static Command Preview(TextWriter output, TextWriter error)
    {
        var (file, account, settings) = (CommonOptions.File("the broadcast file"), CommonOptions.Account(), CommonOptions.Settings());
        var to = new Option<string?>("--to") { Description = "one tester's OpenID (default: the file's preview list)", HelpName = "OPENID" };
        var toWxName = new Option<string?>("--to-wxname") { Description = "one tester's WeChat ID (WeChat allows 100 of these a day)", HelpName = "NAME" };
        var command = new Command("preview", "Sends the content to testers only (mass/preview), never to followers; each tester gets each content once.") { file, account, to, toWxName, settings };
        command.SetAction(parsed => WithBroadcastsAsync(parsed.GetValue(settings), parsed.GetValue(account)!, parsed.GetValue(file), output, error, async (session, broadcast) =>
        {
            var (one, name) = (parsed.GetValue(to), parsed.GetValue(toWxName));
            if (one is not null && name is not null)
            {
                error.WriteLine("error: give --to or --to-wxname, not both");
                return Cli.Usage;
            }

            var openIds = one is not null ? [one] : name is null ? broadcast!.Preview : [];
            if (openIds.Count == 0 && name is null)
            {
                error.WriteLine("error: nobody to preview to: give --to OPENID or --to-wxname NAME, or list testers under preview: in the file");
                return Cli.Usage;
            }

            foreach (var line in await session.Get<BroadcastDesk>().PreviewAsync(session.Api, broadcast!, openIds, name, output, default))
            {
                output.WriteLine(line);
            }

            return Cli.Done;
        }));
        return command;
    }

    private static Command Send(TextWriter output, TextWriter error)
    {
        var (file, account, settings, by) = (CommonOptions.File("the broadcast file"), CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.By());
        var command = new Command("send", "Validates FILE, uploads its media, then sends it now or schedules it for its at: time. Sending the same file again never sends twice: it prints the broadcast's state.") { file, account, settings, by };
        command.SetAction(parsed => WithBroadcastsAsync(parsed.GetValue(settings), parsed.GetValue(account)!, parsed.GetValue(file), output, error, async (session, broadcast) =>
        {
            var owner = $"cli:{Environment.MachineName}:{Environment.ProcessId}";
            var result = await session.Get<BroadcastDesk>().SendAsync(session.Api, session.Account, broadcast!, parsed.GetValue(by) ?? Environment.UserName, owner, output, default);
            if (result.Refused)
            {
                error.WriteLine($"refused: {result.Message}");
                return Cli.Refused;
            }

            output.WriteLine($"{broadcast!.Id}: {result.Message}");
            if (result.Record is not null)
            {
                WriteStatus(output, await session.Get<BroadcastStatusReader>().ReadAsync(result.Record, default));
            }

            return Cli.Done;
        }));
        return command;
    }

    private static Command Cancel(TextWriter output, TextWriter error)
    {
        var (account, settings, by) = (CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.By());
        var id = new Argument<string>("ID") { Description = "the broadcast's id" };
        var command = new Command("cancel", "Cancels a scheduled broadcast before it reaches WeChat; one already submitted cannot be called back.") { id, account, settings, by };
        command.SetAction(parsed => WithBroadcastsAsync(parsed.GetValue(settings), parsed.GetValue(account)!, null, output, error, async (session, _) =>
        {
            var result = await session.Get<BroadcastDesk>().CancelAsync(session.Account, parsed.GetValue(id)!, parsed.GetValue(by) ?? Environment.UserName, $"cli:{Environment.ProcessId}", default);
            (result.Refused ? error : output).WriteLine($"{parsed.GetValue(id)}: {result.Message}");
            return result.Refused ? Cli.Refused : Cli.Done;
        }));
        return command;
    }

    private static Command Status(TextWriter output, TextWriter error)
    {
        var (account, settings, json) = (CommonOptions.Account(), CommonOptions.Settings(), CommonOptions.Json());
        var id = new Argument<string?>("ID") { Description = "one broadcast (default: all of the account's)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("status", "Each broadcast's state, WeChat's counts, and its unfollows within 24 h and 7 d beside the account's baseline daily unfollow rate.") { id, account, settings, json };
        command.SetAction(parsed => WithBroadcastsAsync(parsed.GetValue(settings), parsed.GetValue(account)!, null, output, error, async (session, _) =>
        {
            var reader = session.Get<BroadcastStatusReader>();
            IReadOnlyList<BroadcastStatus> all;
            if (parsed.GetValue(id) is { } one)
            {
                if (await reader.GetAsync(session.Account.Name, one) is not { } status)
                {
                    error.WriteLine($"no broadcast '{one}' on account '{session.Account.Name}'");
                    return Cli.Refused;
                }

                if (parsed.GetValue(json))
                {
                    CommonOptions.WriteJson(output, status);
                    return Cli.Done;
                }

                all = [status];
            }
            else
            {
                all = await reader.ListAsync(session.Account.Name);
                if (parsed.GetValue(json))
                {
                    CommonOptions.WriteJson(output, all);
                    return Cli.Done;
                }
            }

            foreach (var status in all)
            {
                WriteStatus(output, status);
            }

            if (all.Count == 0)
            {
                output.WriteLine($"(account '{session.Account.Name}' has no broadcasts)");
            }

            return Cli.Done;
        }));
        return command;
    }

    internal static void WriteStatus(TextWriter output, BroadcastStatus s)
    {
        static string N(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "?";
        static string P(double? rate) => rate is { } r ? (r * 100).ToString("0.###", CultureInfo.InvariantCulture) + " %" : "?";
        output.WriteLine($"{s.Id}  {s.State}  {s.Audience}  \"{s.Summary}\"  due {UtcTime.Format(s.DueAt)}{(s.SentAt is { } at ? $"  sent {UtcTime.Format(at)}" : "")}  by {s.By}");
        output.WriteLine($"    recipients {N(s.Recipients)}{(s.Excluded > 0 ? $" ({s.Excluded} left out by caps)" : "")}; WeChat: total {N(s.Total)}, after filters {N(s.Filtered)}, sent {N(s.Sent)}, errors {N(s.Errors)}");
        output.WriteLine($"    unfollows: {s.Unfollows24h} within 24 h, {s.Unfollows7d} within 7 d ({P(s.UnfollowRate7d)} of recipients); account baseline {P(s.BaselineDailyUnfollowRate)} a day");
        foreach (var b in s.Batches)
        {
            output.WriteLine($"    batch {b.Index} {b.State} {b.ClientMsgId}{(b.Size > 0 ? $" {b.Size} followers" : "")}{(b.MsgId is null ? "" : $" msg_id {b.MsgId}")}{(b.Adopted ? " (adopted from 45065)" : "")}{(b.Result is null ? "" : $" result: {b.Result}")}{(b.RetryAt is { } r ? $" retry at {UtcTime.Format(r)}" : "")}{(b.Error is null ? "" : $" ({b.Error})")}");
        }

        if (s.Note is not null)
        {
            output.WriteLine($"    note: {s.Note}");
        }
    }

    /// <summary>Loads settings, connects Redis, validates FILE (when given) before any call, and opens the account's API.</summary>
    private static async Task<int> WithBroadcastsAsync(string? settings, string account, string? file, TextWriter output, TextWriter error, Func<BroadcastSession, BroadcastFile?, Task<int>> verb)
    {
        BroadcastFile? broadcast = null;
        if (file is not null)
        {
            var result = BroadcastFileReader.Read(file);
            RulesCommands.PrintProblems(file, result.Problems, output, error);
            if (result.HasErrors)
            {
                error.WriteLine($"{file}: {result.Problems.Count(p => p.Severity == BrandBot.Rules.Loading.ProblemSeverity.Error)} errors; nothing planned or sent");
                return Cli.Refused;
            }

            broadcast = result.File;
        }

        var options = CommandSettings.Load(settings);
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            error.WriteLine($"this verb needs the shared store: set BrandBot:Redis ({WhyRedis})");
            return Cli.Usage;
        }

        var configured = options.BroadcastAccounts().FirstOrDefault(a => a.Name.Equals(account, StringComparison.OrdinalIgnoreCase));
        if (configured is null)
        {
            error.WriteLine($"account '{account}' is not in the settings (BrandBot:Accounts:N:Name)");
            return Cli.Usage;
        }

        if (configured.Credentials is null)
        {
            error.WriteLine($"account '{account}' needs its AppId and AppSecret (BrandBot:Accounts:N:AppId, :AppSecret) to call WeChat's API");
            return Cli.Usage;
        }

        var (connection, problem) = await RedisConnection.ConnectAsync(options.Redis);
        if (connection is null)
        {
            error.WriteLine($"BrandBot:Redis {problem}");
            return Cli.Usage;
        }

        var statsOffset = TimeSpan.FromHours(options.StatsUtcOffsetHours);
        await using var services = new ServiceCollection()
            .AddRedisStores(connection, statsOffset, TimeSpan.Zero)
            .AddRules(statsOffset)
            .AddSingleton<IWeChatApiObserver>(new ReportTokenFailures(error))
            .AddWeChatApi(options.WeChatApiBaseUrl)
            .AddBroadcasts(options.BroadcastAccounts(), options.Broadcasts, statsOffset)
            .BuildServiceProvider();
        var api = services.GetRequiredService<BroadcastScheduler>().ApiFor(configured)!;
        try
        {
            return await verb(new BroadcastSession(services, configured, api), broadcast);
        }
        catch (Exception ex) when (ex is WeChatApiException or HttpRequestException or TokenUnavailableException or TimeoutException or TaskCanceledException)
        {
            error.WriteLine($"WeChat's API: {BrandBot.Account.Planning.AccountApplier.Explain(ex)}");
            return Cli.Refused;
        }
    }

    private sealed record BroadcastSession(IServiceProvider Services, BroadcastAccount Account, BroadcastApi Api)
    {
        public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
    }
}
