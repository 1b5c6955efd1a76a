using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BrandBot.Dashboard;
using BrandBot.Delivery.Pipeline;
using BrandBot.Outbound.Messages;
using BrandBot.Outbound.Store;
using BrandBot.WeChatApi;

namespace BrandBot.Commands;

/// <summary>
/// <c>messages send|status|list</c>: an operator queues a message the way the API does (same validation,
/// same idempotency, same window), and reads what became of messages (docs/outbound-messages.md#operators).
/// The servers send what is queued; the verbs need the shared store (Redis).
/// </summary>
internal static class MessagesCommands
{
    private const string WithoutRedis = "the embedded queue lives inside one server process; use the HTTP API, docs/outbound-messages.md";

    public static Command Build(TextWriter output, TextWriter error)
    {
        var command = new Command("messages", "Queue outbound messages and see what became of them (docs/outbound-messages.md).");
        command.Subcommands.Add(Send(output, error));
        command.Subcommands.Add(Status(output, error));
        command.Subcommands.Add(List(output, error));
        return command;
    }

    private static Command Send(TextWriter output, TextWriter error)
    {
        var settings = CommonOptions.Settings();
        var account = CommonOptions.Account();
        var to = new Option<string>("--to") { Description = "the follower's OpenID", HelpName = "OPENID", Required = true };
        var text = new Option<string?>("--text") { Description = "a customer-service text (inside the follower's window)", HelpName = "TEXT" };
        var template = new Option<string?>("--template") { Description = "a template message's template id", HelpName = "ID" };
        var data = new Option<string[]>("--data") { Description = "a template keyword and its value, repeatable", HelpName = "K=V", AllowMultipleArgumentsPerToken = true };
        var key = new Option<string?>("--key") { Description = "the idempotency key (default: a new one, printed)", HelpName = "KEY" };
        var json = CommonOptions.Json();
        var command = new Command("send", "Queue one message: --text T, or --template ID with --data K=V…") { settings, account, to, text, template, data, key, json };
        command.SetAction(async parsed =>
        {
            var (textValue, templateValue, pairs) = (parsed.GetValue(text), parsed.GetValue(template), parsed.GetValue(data) ?? []);
            if ((textValue is null) == (templateValue is null))
            {
                error.WriteLine("error: give exactly one of --text and --template");
                return Cli.Usage;
            }

            if (textValue is not null && pairs.Length > 0)
            {
                error.WriteLine("error: --data goes with --template");
                return Cli.Usage;
            }

            var body = new RawJsonWriter().BeginObject().String("to", parsed.GetValue(to));
            if (textValue is not null)
            {
                body.String("text", textValue);
            }
            else
            {
                body.BeginObject("template").String("id", templateValue).BeginObject("data");
                foreach (var pair in pairs)
                {
                    if (pair.IndexOf('=') is var at && at <= 0)
                    {
                        error.WriteLine($"error: --data '{pair}' must be KEYWORD=VALUE");
                        return Cli.Usage;
                    }
                    else
                    {
                        body.String(pair[..at], pair[(at + 1)..]);
                    }
                }

                body.EndObject().EndObject();
            }

            var idempotencyKey = parsed.GetValue(key) ?? "cli-" + Guid.NewGuid().ToString("n");
            if (!IdempotencyKey.IsValid(idempotencyKey))
            {
                error.WriteLine("error: --key must be 1-64 of A-Z a-z 0-9 . _ : -");
                return Cli.Usage;
            }

            var options = CommandSettings.Load(parsed.GetValue(settings));
            if (Configured(options, parsed.GetValue(account), error) is not { } configured)
            {
                return Cli.Usage;
            }

            using var document = JsonDocument.Parse(body.EndObject().ToUtf8());
            var (request, problems) = MessageRequestReader.Read(document.RootElement);
            if (request is null)
            {
                foreach (var problem in problems)
                {
                    error.WriteLine($"error: {problem.Field} {problem.Message}");
                }

                return Cli.Usage;
            }

            await using var store = await CommandStore.OpenAsync(options, error, WithoutRedis);
            if (store is null)
            {
                return Cli.Usage;
            }

            var result = await store.Intake.AcceptAsync(configured.Name, idempotencyKey, request);
            var (line, code) = result.Outcome switch
            {
                AcceptOutcome.Accepted => ($"queued {result.Id} (key {idempotencyKey})", Cli.Done),
                AcceptOutcome.Replayed => ($"already queued as {result.Id} (key {idempotencyKey}); nothing more sent", Cli.Done),
                AcceptOutcome.Conflict => ($"key {idempotencyKey} already queued {result.Id} with a different message; use a new key", Cli.Refused),
                AcceptOutcome.WindowClosed => ("refused: outside the follower's customer-service window (they have not written recently, or its allowance is used up); nothing sent", Cli.Refused),
                _ => ("refused: no subscription grant; nothing sent", Cli.Refused),
            };
            if (parsed.GetValue(json))
            {
                CommonOptions.WriteJson(output, new { outcome = result.Outcome.ToString().ToLowerInvariant(), id = result.Id, key = idempotencyKey });
            }
            else
            {
                (code == Cli.Done ? output : error).WriteLine(line);
            }

            return code;
        });
        return command;
    }

    private static Command Status(TextWriter output, TextWriter error)
    {
        var settings = CommonOptions.Settings();
        var account = CommonOptions.Account();
        var id = new Argument<string>("ID") { Description = "the message id (msg_…)" };
        var json = CommonOptions.Json();
        var command = new Command("status", "One message: its status, attempts and WeChat's answer (the OpenID masked).") { id, settings, account, json };
        command.SetAction(async parsed =>
        {
            var options = CommandSettings.Load(parsed.GetValue(settings));
            if (Configured(options, parsed.GetValue(account), error) is not { } configured)
            {
                return Cli.Usage;
            }

            await using var store = await CommandStore.OpenAsync(options, error, WithoutRedis);
            if (store is null)
            {
                return Cli.Usage;
            }

            if (await store.Messages.GetAsync(configured.Name, parsed.GetValue(id)!) is not { } message)
            {
                error.WriteLine($"no message {parsed.GetValue(id)} in account {parsed.GetValue(account)}");
                return Cli.Refused;
            }

            if (parsed.GetValue(json))
            {
                CommonOptions.WriteJson(output, View(message));
            }
            else
            {
                output.WriteLine($"{message.Id}  {message.Kind.Name()} to {OpenIdMask.Mask(message.To)}: {message.Status} after {message.Attempts} attempt(s)");
                output.WriteLine($"  created {Time(message.CreatedAt)}  sent {Time(message.SentAt)}  finished {Time(message.FinishedAt)}");
                if (message.WeChatMsgId is not null || message.ErrCode is not null)
                {
                    output.WriteLine($"  wechat msgid {message.WeChatMsgId ?? "-"}  errcode {message.ErrCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}  {message.ErrMsg}");
                }

                if (message.Error is not null)
                {
                    output.WriteLine($"  {message.Error}");
                }
            }

            return Cli.Done;
        });
        return command;
    }

    private static Command List(TextWriter output, TextWriter error)
    {
        var settings = CommonOptions.Settings();
        var account = CommonOptions.Account();
        var status = new Option<string?>("--status") { Description = $"only messages in this status ({string.Join(", ", MessageStatus.All)})", HelpName = "STATUS" };
        var limit = new Option<int>("--limit") { Description = "at most this many, newest first", HelpName = "N", DefaultValueFactory = _ => 50 };
        var json = CommonOptions.Json();
        var command = new Command("list", "The newest messages of an account, newest first (OpenIDs masked).") { settings, account, status, limit, json };
        command.SetAction(async parsed =>
        {
            if (parsed.GetValue(status) is { } wanted && !MessageStatus.All.Contains(wanted))
            {
                error.WriteLine($"error: --status must be one of {string.Join(", ", MessageStatus.All)}");
                return Cli.Usage;
            }

            if (parsed.GetValue(limit) is < 1 or > 10_000)
            {
                error.WriteLine("error: --limit must be between 1 and 10000");
                return Cli.Usage;
            }

            var options = CommandSettings.Load(parsed.GetValue(settings));
            if (Configured(options, parsed.GetValue(account), error) is not { } configured)
            {
                return Cli.Usage;
            }

            await using var store = await CommandStore.OpenAsync(options, error, WithoutRedis);
            if (store is null)
            {
                return Cli.Usage;
            }

            var messages = await store.Messages.ListAsync(configured.Name, parsed.GetValue(status), parsed.GetValue(limit));
            if (parsed.GetValue(json))
            {
                CommonOptions.WriteJson(output, messages.Select(View).ToList());
                return Cli.Done;
            }

            output.WriteLine($"{"ID",-28} {"KIND",-12} {"TO",-10} {"STATUS",-9} {"TRIES",5}  {"CREATED",-23} ERROR");
            foreach (var m in messages)
            {
                output.WriteLine($"{m.Id,-28} {m.Kind.Name(),-12} {OpenIdMask.Mask(m.To),-10} {m.Status,-9} {m.Attempts,5}  {Time(m.CreatedAt),-23} {m.Error}");
            }

            return Cli.Done;
        });
        return command;
    }

    /// <summary>The account as configured, or null after saying which name is not (a typo must not read as "no messages").</summary>
    private static Options.AccountOptions? Configured(Options.BrandBotOptions options, string? account, TextWriter error)
    {
        var configured = CommandSettings.FindAccount(options, account);
        if (configured is null)
        {
            error.WriteLine($"error: no account named '{account}' in the settings (BrandBot:Accounts:N:Name)");
        }

        return configured;
    }

    private static string Time(DateTimeOffset? at) => at is { } t ? UtcTime.Format(t) : "-";

    private static object View(OutboundMessage m) => new
    {
        id = m.Id,
        kind = m.Kind.Name(),
        to = OpenIdMask.Mask(m.To),
        status = m.Status,
        attempts = m.Attempts,
        createdAt = m.CreatedAt,
        sentAt = m.SentAt,
        finishedAt = m.FinishedAt,
        wechat = new { msgid = m.WeChatMsgId, errcode = m.ErrCode, errmsg = m.ErrMsg },
        error = m.Error,
    };
}
