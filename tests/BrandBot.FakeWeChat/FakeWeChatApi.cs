using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BrandBot.FakeWeChat;

/// <summary>
/// WeChat's API as BrandBot uses it (docs/protocol.md §8.2, §8.3), on loopback over real HTTP:
/// stable_token hands out TOKEN-1, TOKEN-2, … and counts calls; customer-service sends are
/// recorded with their raw bytes and answered with queued error codes (0 when none are queued).
/// </summary>
public sealed class FakeWeChatApi : IAsyncDisposable
{
    private LoopbackHost _host = null!;
    private int _tokens;

    public string BaseUrl => _host.BaseUrl;

    /// <summary>Cancelled when the process is told to stop (SIGTERM, Ctrl+C).</summary>
    public CancellationToken Stopping => _host.Stopping;

    public int TokenCalls => Volatile.Read(ref _tokens);

    /// <summary>Every stable_token request body, parsed.</summary>
    public ConcurrentQueue<JsonElement> TokenRequests { get; } = new();

    /// <summary>Every customer-service send: the access token used and the body as sent.</summary>
    public ConcurrentQueue<(string Token, byte[] Body)> Sends { get; } = new();

    /// <summary>Sends WeChat accepted (errcode 0).</summary>
    public IEnumerable<(string Token, byte[] Body)> Delivered => Sends.Where((_, i) => _answers[i] == 0);

    /// <summary>Error codes to answer the next sends with, in order.</summary>
    public ConcurrentQueue<int> NextSendErrors { get; } = new();

    public TimeSpan TokenDelay { get; set; }

    /// <summary>When set, stable_token refuses with this errcode and errmsg (e.g. 40164, IP not whitelisted).</summary>
    public (int Code, string Message)? TokenError { get; set; }

    private readonly ConcurrentDictionary<int, int> _answers = new();

    /// <summary>Calls of the demo flight backend, per Idempotency-Key.</summary>
    public ConcurrentDictionary<string, int> FlightCalls { get; } = new(StringComparer.Ordinal);

    /// <summary>Menus, QR codes and tags (docs/wechat-account-apis.md), checked against the tokens this fake handed out.</summary>
    public FakeAccount Account { get; } = new();

    /// <summary>Template messages, subscription notifications, the customer-service window (docs/outbound-messages.md).</summary>
    public FakeMessages Messages { get; } = new();
    /// <summary>Mass sends, drafts, material and follower lists (docs/broadcasts.md), over <see cref="Account"/>'s tags.</summary>
    public FakeBroadcasts Broadcasts => _broadcasts ??= new FakeBroadcasts(Account);

    private FakeBroadcasts? _broadcasts;

    /// <param name="url">Where to listen; by default a port the OS picks.</param>
    public static async Task<FakeWeChatApi> StartAsync(string url = "http://127.0.0.1:0")
    {
        var api = new FakeWeChatApi();
        api._host = await LoopbackHost.StartAsync(app =>
        {
            app.MapPost("/cgi-bin/stable_token", api.TokenAsync);
            app.MapPost("/cgi-bin/message/custom/send", api.SendAsync);
            api.Messages.Map(app);
            DemoFlightBackend.Map(app, api.FlightCalls);
            api.Broadcasts.Map(app, token => token.StartsWith("TOKEN-", StringComparison.Ordinal) && int.TryParse(token.AsSpan(6), out var n) && n <= api.TokenCalls);
            api.Account.Map(app, token => token.StartsWith("TOKEN-", StringComparison.Ordinal) && int.TryParse(token.AsSpan(6), out var n) && n <= api.TokenCalls);
        }, url);
        return api;
    }

    public static string Text(byte[] body) => JsonDocument.Parse(body).RootElement.GetProperty("text").GetProperty("content").GetString()!;

    private async Task TokenAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        TokenRequests.Enqueue(body.RootElement.Clone());
        var n = Interlocked.Increment(ref _tokens);
        await Task.Delay(TokenDelay);
        if (TokenError is { } error)
        {
            await context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["errcode"] = error.Code, ["errmsg"] = error.Message });
            return;
        }

        await context.Response.WriteAsJsonAsync(new Dictionary<string, object> { ["access_token"] = $"TOKEN-{n}", ["expires_in"] = 7200 });
    }

    private async Task SendAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var code = NextSendErrors.TryDequeue(out var queued) ? queued : Messages.CustomerServiceVerdict(buffer.ToArray()) ?? 0;
        lock (Sends)
        {
            _answers[Sends.Count] = code;
            Sends.Enqueue((context.Request.Query["access_token"].ToString(), buffer.ToArray()));
        }

        if (code == 0 && Messages.TakeHang())
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(static _ => { });
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(code == 0 ? """{"errcode":0,"errmsg":"ok"}""" : $$"""{"errcode":{{code}},"errmsg":"fake error"}""", Encoding.UTF8);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();
}
