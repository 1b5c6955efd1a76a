using System.Net.Http.Headers;
using System.Security.Cryptography;
using BrandBot.Options;
using BrandBot.Simulation;

namespace BrandBot.Commands;

/// <summary>
/// <c>simulate</c>: sends a correctly signed (optionally encrypted) push to a running BrandBot, the way
/// WeChat would, and prints the decoded reply. Uses the account's Token and keys from configuration.
/// </summary>
internal static class SimulateCommand
{
    public const string Usage = """
        brandbot simulate [--settings FILE] [--account NAME] [--url URL] [--mode plain|compat|safe]
                          [--from OPENID] ("text" | --event subscribe|scan|click|unsubscribe [--key KEY] | --verify)
            Sends a push as WeChat would and prints the decoded reply.
            --url defaults to http://127.0.0.1:5000/wechat/NAME; --mode to safe when the account has an EncodingAESKey.
        brandbot simulate check [--settings FILE] [--account NAME] --url URL [--text TEXT]
            Runs the deployment at URL (through its proxy) through verification, a wrong signature,
            plain/compatible/safe pushes, an event and a retry; prints a pass/fail table, exit 0 if all pass.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var line = new CommandLine(args, "verify", "help");
        if (line.Has("help") || line.Errors.Count > 0)
        {
            error.WriteLine(string.Join(Environment.NewLine, line.Errors.Append(Usage)));
            return 2;
        }

        var account = CommandSettings.FindAccount(CommandSettings.Load(args), line["account"]);
        if (account is null)
        {
            error.WriteLine($"no account '{line["account"] ?? "(first)"}' in the configuration; pass --settings FILE");
            return 2;
        }

        var url = line["url"] ?? $"http://127.0.0.1:5000/wechat/{account.Name}";
        // WeChat does not follow redirects, so neither does the check: a 301 is a failure to see.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            if (line.Positional is ["check"])
            {
                return await new ConformanceCheck(http, url, account, line["text"] ?? "hours").RunAsync(output);
            }

            return line.Has("verify")
                ? await VerifyAsync(http, url, account, output, error)
                : await PushAsync(http, url, account, line, output, error);
        }
        catch (HttpRequestException ex)
        {
            error.WriteLine($"cannot reach {url}: {ex.Message} (is BrandBot running?)");
            return 1;
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
        return ok ? 0 : 1;
    }

    private static async Task<int> PushAsync(HttpClient http, string url, AccountOptions account, CommandLine line, TextWriter output, TextWriter error)
    {
        var mode = ParseMode(line["mode"], account);
        if (mode is null)
        {
            error.WriteLine("--mode must be plain, compat or safe (compat and safe need an EncodingAESKey)");
            return 2;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var from = line["from"] ?? "o-simulated-follower";
        var to = "gh_simulated";
        var msgId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var xml = line["event"] is { } @event
            ? SampleMessages.OperatorEvent(to, from, now, @event, line["key"])
            : SampleMessages.Text(to, from, now, string.Join(' ', line.Positional), msgId);
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
            return 1;
        }

        output.WriteLine(SignedPush.DecodeReply(account.Token, account.AppId, account.EncodingAESKey, account.PreviousEncodingAESKey, reply));
        return 0;
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
