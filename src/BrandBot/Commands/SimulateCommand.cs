using System.CommandLine;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using BrandBot.Options;
using BrandBot.Protocol.Simulation;

namespace BrandBot.Commands;

/// <summary>
/// <c>simulate</c>: sends a correctly signed (optionally encrypted) push to a running BrandBot, the way
/// WeChat would, and prints the decoded reply. Uses the account's Token and keys from configuration.
/// </summary>
internal static class SimulateCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var (account, settings) = (CommonOptions.Account(required: false), CommonOptions.Settings());
        account.Description = "the account to sign for (default: the first in the settings)";
        var url = new Option<string?>("--url") { Description = "where BrandBot listens (default http://127.0.0.1:5000/wechat/NAME)", HelpName = "URL" };
        var mode = new Option<string?>("--mode") { Description = "plain, compat or safe (default: safe when the account has an EncodingAESKey)", HelpName = "plain|compat|safe" };
        var from = new Option<string?>("--from") { Description = "the follower's OpenID (default o-simulated-follower)", HelpName = "OPENID" };
        var @event = new Option<string?>("--event") { Description = "send an event instead of a text", HelpName = "subscribe|scan|click|unsubscribe" };
        var key = new Option<string?>("--key") { Description = "the event's scene or menu key", HelpName = "KEY" };
        var verify = new Option<bool>("--verify") { Description = "perform the console's URL check (the GET with echostr) instead" };
        var xml = new Option<bool>("--xml") { Description = "print the decrypted reply XML too, not only what the follower sees" };
        var text = new Argument<string[]>("TEXT") { Description = "the follower's message", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("simulate", "Sends a push as WeChat would (signed, and encrypted in safe mode) and prints the decoded reply.")
        {
            text, settings, account, url, mode, from, @event, key, verify, xml,
        };
        command.Subcommands.Add(Check(output, error));
        command.SetAction(parsed => WithAccountAsync(parsed.GetValue(settings), parsed.GetValue(account), parsed.GetValue(url), error, (http, target, found) =>
            parsed.GetValue(verify)
                ? VerifyAsync(http, target, found, output, error)
                : PushAsync(http, target, found, new PushRequest(parsed.GetValue(mode), parsed.GetValue(from), parsed.GetValue(@event), parsed.GetValue(key), string.Join(' ', parsed.GetValue(text) ?? [])) { Xml = parsed.GetValue(xml) }, output, error)));
        return command;
    }

    private static Command Check(TextWriter output, TextWriter error)
    {
        var (account, settings, json) = (CommonOptions.Account(required: false), CommonOptions.Settings(), CommonOptions.Json());
        account.Description = "the account to sign for (default: the first in the settings)";
        var url = new Option<string>("--url") { Description = "the URL the WeChat console will use, through its proxy", HelpName = "URL", Required = true };
        var text = new Option<string>("--text") { Description = "the message the pushes carry (default hours)", HelpName = "TEXT", DefaultValueFactory = _ => "hours" };
        var command = new Command("check", "Runs a deployment through verification, a wrong signature, plain/compatible/safe pushes, an event and a retry; prints a pass/fail table, exit 0 if all pass.")
        {
            settings, account, url, text, json,
        };
        command.SetAction(parsed => WithAccountAsync(parsed.GetValue(settings), parsed.GetValue(account), parsed.GetValue(url), error, (http, target, found) =>
            new ConformanceCheck(http, target, found, parsed.GetValue(text)!).RunAsync(output, parsed.GetValue(json))));
        return command;
    }

    private sealed record PushRequest(string? Mode, string? From, string? Event, string? Key, string Text)
    {
        public bool Xml { get; init; }
    }

    private static async Task<int> WithAccountAsync(string? settings, string? name, string? url, TextWriter error, Func<HttpClient, string, AccountOptions, Task<int>> verb)
    {
        var account = CommandSettings.FindAccount(CommandSettings.Load(settings), name);
        if (account is null)
        {
            error.WriteLine($"no account '{name ?? "(first)"}' in the configuration; pass --settings FILE");
            return Cli.Usage;
        }

        var target = url ?? $"http://127.0.0.1:5000/wechat/{account.Name}";
        // WeChat does not follow redirects, so neither does the check: a 301 is a failure to see.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            return await verb(http, target, account);
        }
        catch (HttpRequestException ex)
        {
            error.WriteLine($"cannot reach {target}: {ex.Message} (is BrandBot running?)");
            return Cli.Refused;
        }
    }

    private static async Task<int> VerifyAsync(HttpClient http, string url, AccountOptions account, TextWriter output, TextWriter error)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = RandomDigits();
        var echostr = RandomDigits();
        var signature = Protocol.Crypto.Signature.Compute(account.Token, now.ToString(System.Globalization.CultureInfo.InvariantCulture), nonce);
        using var response = await http.GetAsync($"{url}?signature={signature}&timestamp={now}&nonce={nonce}&echostr={echostr}");
        var body = await response.Content.ReadAsStringAsync();
        var ok = response.IsSuccessStatusCode && body == echostr;
        (ok ? output : error).WriteLine($"GET {url} -> {(int)response.StatusCode}; echostr {(ok ? "echoed exactly: verification would pass" : $"NOT echoed (got '{body}')")}");
        return ok ? Cli.Done : Cli.Refused;
    }

    private static async Task<int> PushAsync(HttpClient http, string url, AccountOptions account, PushRequest request, TextWriter output, TextWriter error)
    {
        var mode = ParseMode(request.Mode, account);
        if (mode is null)
        {
            error.WriteLine("--mode must be plain, compat or safe (compat and safe need an EncodingAESKey)");
            return Cli.Usage;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var from = request.From ?? "o-simulated-follower";
        var to = "gh_simulated";
        var msgId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var xml = request.Event is { } @event
            ? SampleMessages.OperatorEvent(to, from, now, @event, request.Key)
            : SampleMessages.Text(to, from, now, request.Text, msgId);
        var nonce = RandomDigits();
        var push = SignedPush.Create(account.Token, account.AppId, account.EncodingAESKey, mode.Value, xml, now, nonce, RandomNumberGenerator.GetBytes(16));

        using var content = new ByteArrayContent(push.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        using var response = await http.PostAsync($"{url}?{push.Query}", content);
        var reply = await response.Content.ReadAsByteArrayAsync();
        output.WriteLine($"POST {url} ({mode.Value.ToString().ToLowerInvariant()} mode) -> {(int)response.StatusCode}");
        if (!response.IsSuccessStatusCode)
        {
            error.WriteLine(System.Text.Encoding.UTF8.GetString(reply));
            return Cli.Refused;
        }

        var decoded = SignedPush.DecodeReply(account.Token, account.AppId, account.EncodingAESKey, account.PreviousEncodingAESKey, reply);
        output.WriteLine($"reply: {ReplyDisplay.DescribeXml(decoded)}");
        if (request.Xml)
        {
            output.WriteLine(decoded);
        }

        return Cli.Done;
    }

    private static PushMode? ParseMode(string? mode, AccountOptions account)
    {
        var encrypted = !string.IsNullOrEmpty(account.EncodingAESKey);
        return (mode ?? (encrypted ? "safe" : "plain")).ToLowerInvariant() switch
        {
            "plain" => PushMode.Plain,
            "compat" or "compatible" when encrypted => PushMode.Compatible,
            "safe" when encrypted => PushMode.Safe,
            _ => null,
        };
    }

    /// <summary>A random nine- or ten-digit decimal string, like WeChat's nonces and echostrs.</summary>
    private static string RandomDigits() =>
        RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
