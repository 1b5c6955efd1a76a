using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using BrandBot.Options;
using BrandBot.Protocol.Crypto;
using BrandBot.Protocol.Simulation;

namespace BrandBot.Commands;

/// <summary>
/// <c>simulate check</c>: runs a deployment through the whole protocol from outside — through its
/// proxy, at the URL the WeChat console will use — and prints a pass/fail table. What an ops engineer
/// runs before switching the console to a new server.
/// </summary>
internal sealed partial class ConformanceCheck(HttpClient http, string url, AccountOptions account, string text)
{
    private readonly List<(string Step, bool Passed, string Detail)> _rows = [];
    private readonly string _follower = "o-check-" + RandomNumberGenerator.GetHexString(8, lowercase: true);

    public async Task<int> RunAsync(TextWriter output, bool json = false)
    {
        await Step("URL verification (GET, echostr echoed byte for byte)", VerifyAsync);
        await Step("refuses a wrong signature (401)", WrongSignatureAsync);
        await Step("plain-mode push answered", () => PushAsync(PushMode.Plain, NewText()));
        var encrypted = !string.IsNullOrEmpty(account.EncodingAESKey);
        if (encrypted)
        {
            await Step("compatible-mode push answered, envelope verified", () => PushAsync(PushMode.Compatible, NewText()));
            await Step("safe-mode push answered, envelope verified", () => PushAsync(PushMode.Safe, NewText()));
        }

        // The strongest mode the account has, as the console will use it.
        var mode = encrypted ? PushMode.Safe : PushMode.Plain;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Step("event (subscribe) answered", () => PushAsync(mode, SampleMessages.Event("gh_check", _follower, now, "subscribe")));
        await Step("retry answered with the first reply", async () =>
        {
            var push = NewText();
            var (passed, detail, first) = await SendAsync(mode, push);
            if (!passed)
            {
                return (false, detail);
            }

            var (_, _, again) = await SendAsync(mode, push);
            // A retry answered afresh carries its own CreateTime (docs/exactly-once.md); the content must match.
            return WithoutCreateTime(again) == WithoutCreateTime(first)
                ? (true, "same reply (CreateTime is the retry's own)")
                : (false, $"a different answer: first {Short(AfterCreateTime(first))}, retry {Short(AfterCreateTime(again))}");
        });

        var failed = _rows.Count(r => !r.Passed);
        if (json)
        {
            CommonOptions.WriteJson(output, new { url, passed = failed == 0, checks = _rows.Select(r => new { step = r.Step, passed = r.Passed, detail = r.Detail }) });
            return failed == 0 ? Cli.Done : Cli.Refused;
        }

        var width = _rows.Max(r => r.Step.Length);
        foreach (var (step, passed, detail) in _rows)
        {
            output.WriteLine($"{(passed ? "PASS" : "FAIL")}  {step.PadRight(width)}  {detail}");
        }

        output.WriteLine(failed == 0 ? $"all {_rows.Count} checks passed: {url} is ready for the WeChat console" : $"{failed} of {_rows.Count} checks failed");
        return failed == 0 ? Cli.Done : Cli.Refused;
    }

    private async Task Step(string name, Func<Task<(bool Passed, string Detail)>> run)
    {
        try
        {
            var (passed, detail) = await run();
            _rows.Add((name, passed, detail));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or WeChatCryptoException or Protocol.Xml.InboundXmlException)
        {
            _rows.Add((name, false, ex.Message));
        }
    }

    private async Task<(bool, string)> VerifyAsync()
    {
        var (timestamp, nonce) = Stamp();
        var echostr = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        using var response = await http.GetAsync($"{url}?signature={Signature.Compute(account.Token, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}&echostr={echostr}");
        var body = await response.Content.ReadAsStringAsync();
        // Redirects are not followed: a 301/302 from a proxy shows up here as the failure it is for WeChat.
        var where = response.Headers.Location is { } location ? $" to {location}" : "";
        return (response.IsSuccessStatusCode && body == echostr, $"{(int)response.StatusCode}{where}, body {Short(body)}");
    }

    private async Task<(bool, string)> WrongSignatureAsync()
    {
        var (timestamp, nonce) = Stamp();
        using var content = Xml(Encoding.UTF8.GetBytes(NewText()));
        using var response = await http.PostAsync($"{url}?signature=0000000000000000000000000000000000000000&timestamp={timestamp}&nonce={nonce}", content);
        return ((int)response.StatusCode == 401, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
    }

    private async Task<(bool, string)> PushAsync(PushMode mode, string xml)
    {
        var (passed, detail, _) = await SendAsync(mode, xml);
        return (passed, detail);
    }

    private async Task<(bool Passed, string Detail, string? Reply)> SendAsync(PushMode mode, string xml)
    {
        var (timestamp, nonce) = Stamp();
        var push = SignedPush.Create(account.Token, account.AppId, account.EncodingAESKey, mode, xml, long.Parse(timestamp, CultureInfo.InvariantCulture), nonce, RandomNumberGenerator.GetBytes(16));
        using var content = Xml(push.Body);
        using var response = await http.PostAsync($"{url}?{push.Query}", content);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            return (false, $"{(int)response.StatusCode} {Short(Encoding.UTF8.GetString(body))}", null);
        }

        // Decoding checks the reply's MsgSignature and AppId: what WeChat itself would check.
        var reply = SignedPush.DecodeReply(account.Token, account.AppId, account.EncodingAESKey, account.PreviousEncodingAESKey, body);
        var wellFormed = reply == "success" || reply.StartsWith("<xml>", StringComparison.Ordinal);
        return (wellFormed, $"{(int)response.StatusCode} {Short(reply)}", reply);
    }

    private string NewText() =>
        SampleMessages.Text("gh_check", _follower, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), text, RandomNumberGenerator.GetInt32(1, int.MaxValue));

    private static (string Timestamp, string Nonce) Stamp() =>
        (DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture));

    private static ByteArrayContent Xml(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        return content;
    }

    private static string Short(string? text) => text is null ? "(none)" : text.Length <= 80 ? text : text[..77] + "…";

    /// <summary>What follows the header every reply shares (to, from, CreateTime): where two answers differ.</summary>
    private static string? AfterCreateTime(string? inner) =>
        inner?.IndexOf("</CreateTime>", StringComparison.Ordinal) is int at and >= 0 ? inner[(at + "</CreateTime>".Length)..] : inner;

    private static string? WithoutCreateTime(string? inner) => inner is null ? null : CreateTimeElement().Replace(inner, "<CreateTime/>");

    [System.Text.RegularExpressions.GeneratedRegex("<CreateTime>[0-9]+</CreateTime>")]
    private static partial System.Text.RegularExpressions.Regex CreateTimeElement();
}
