using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BrandBot.Protocol.Simulation;
using Microsoft.AspNetCore.Http;

namespace BrandBot.FakeWeChat;

/// <summary>
/// WeChat's message sends as docs/outbound-messages.md describes them: template messages (the account's
/// templates, 40037, 43004 for non-followers, a daily cap answering 45009, <c>client_msg_id</c> kept once),
/// subscription notifications (one grant per send, else 43101), the customer-service window when
/// <see cref="EnforceWindow"/> is on (45015 closed, 45047 used up), transient −1/45011, a mode that takes a
/// send and never answers, and TEMPLATESENDJOBFINISH pushed back to BrandBot's webhook, signed (sealed in
/// safe mode), after a delay, optionally twice or before the send's own answer.
/// </summary>
public sealed class FakeMessages
{
    private readonly ConcurrentDictionary<string, string> _byClientMsgId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long MessageAt, int MessageUsed, long ActionAt, int ActionUsed)> _windows = new(StringComparer.Ordinal);
    private long _msgIds = 500_000_000;
    private int _today;

    /// <summary>The account's templates: 25, WeChat's maximum (TPL-01 … TPL-25).</summary>
    public HashSet<string> Templates { get; } = [.. Enumerable.Range(1, 25).Select(i => $"TPL-{i:00}")];

    /// <summary>OpenIDs that do not follow the account: template sends to them get 43004.</summary>
    public ConcurrentDictionary<string, bool> NonFollowers { get; } = new(StringComparer.Ordinal);

    public int DailyTemplateCap { get; set; } = 100_000;

    /// <summary>Template sends accepted per second (0: no limit); beyond it WeChat answers 45011.</summary>
    public int TemplatesPerSecond { get; set; }

    /// <summary>Template sends refused with 45011 by <see cref="TemplatesPerSecond"/>.</summary>
    public int RateRefusals => Volatile.Read(ref _rateRefusals);

    private int _rateRefusals;
    private long _rateSecond;
    private int _rateCount;

    /// <summary>Template messages WeChat kept (one per client_msg_id): msgid, body.</summary>
    public ConcurrentQueue<(string MsgId, JsonElement Body)> TemplateMessages { get; } = new();

    /// <summary>Every template send call, repeats included.</summary>
    public int TemplateCalls => Volatile.Read(ref _templateCalls);

    private int _templateCalls;

    /// <summary>Subscription notifications WeChat accepted.</summary>
    public ConcurrentQueue<JsonElement> Subscriptions { get; } = new();

    /// <summary>Error codes for the next sends of any kind (e.g. −1, 45011), in order.</summary>
    public ConcurrentQueue<int> NextErrors { get; } = new();

    /// <summary>The next this-many sends are taken (recorded, kept) and never answered.</summary>
    public int HangNextSends;

    /// <summary>Customer-service sends follow the window rules; off by default (other tests send freely).</summary>
    public bool EnforceWindow { get; set; }

    public int WindowMessages { get; set; } = 5;

    public TimeSpan WindowLength { get; set; } = TimeSpan.FromHours(48);

    public int ActionMessages { get; set; } = 3;

    public TimeSpan ActionLength { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where TEMPLATESENDJOBFINISH goes; null: not pushed.</summary>
    public JobFinishPush? Webhook { get; set; }

    public TimeSpan FinishDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Push the job-finish event twice.</summary>
    public bool FinishTwice { get; set; }

    /// <summary>Push the job-finish event (and wait for BrandBot's answer) before answering the send.</summary>
    public bool FinishBeforeAnswer { get; set; }

    /// <summary>The Status the job-finish event carries (<c>success</c>, <c>failed:user block</c>, …).</summary>
    public string FinishStatus { get; set; } = "success";

    /// <summary>Job-finish pushes BrandBot answered, with its answers.</summary>
    public ConcurrentQueue<(int Status, string Body)> FinishAnswers { get; } = new();

    public void FollowerWrote(string openId) => _windows[openId] = (Now(), 0, _windows.GetValueOrDefault(openId).ActionAt, _windows.GetValueOrDefault(openId).ActionUsed);

    public void FollowerActed(string openId) => _windows[openId] = (_windows.GetValueOrDefault(openId).MessageAt, _windows.GetValueOrDefault(openId).MessageUsed, Now(), 0);

    public void Grant(string openId, string templateId) => _grants.AddOrUpdate(openId + "\n" + templateId, 1, (_, n) => n + 1);

    public void Map(Microsoft.AspNetCore.Builder.WebApplication app)
    {
        app.MapPost("/cgi-bin/message/template/send", TemplateAsync);
        app.MapPost("/cgi-bin/message/subscribe/bizsend", SubscriptionAsync);
    }

    /// <summary>The errcode a customer-service send gets before the fake's queued errors (null: go on).</summary>
    internal int? CustomerServiceVerdict(byte[] body)
    {
        if (NextErrors.TryDequeue(out var queued))
        {
            return queued;
        }

        if (!EnforceWindow)
        {
            return null;
        }

        var openId = JsonDocument.Parse(body).RootElement.GetProperty("touser").GetString() ?? "";
        lock (_windows)
        {
            var (m, mu, a, au) = _windows.GetValueOrDefault(openId);
            var now = Now();
            if (a > 0 && now - a <= ActionLength.TotalMilliseconds && au < ActionMessages)
            {
                _windows[openId] = (m, mu, a, au + 1);
                return null;
            }

            if (m > 0 && now - m <= WindowLength.TotalMilliseconds)
            {
                if (mu >= WindowMessages)
                {
                    return 45047;
                }

                _windows[openId] = (m, mu + 1, a, au);
                return null;
            }

            return 45015;
        }
    }

    /// <summary>Takes a send and never answers when that mode is armed; true if this one hangs.</summary>
    internal bool TakeHang()
    {
        while (true)
        {
            var left = Volatile.Read(ref HangNextSends);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref HangNextSends, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private async Task TemplateAsync(HttpContext context)
    {
        Interlocked.Increment(ref _templateCalls);
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var root = body.RootElement.Clone();
        if (NextErrors.TryDequeue(out var queued))
        {
            await AnswerAsync(context, queued);
            return;
        }

        if (TemplatesPerSecond > 0 && !TakeRate())
        {
            Interlocked.Increment(ref _rateRefusals);
            await AnswerAsync(context, 45011, "api minute-quota reach limit");
            return;
        }

        var template = root.TryGetProperty("template_id", out var t) ? t.GetString() ?? "" : "";
        var openId = root.TryGetProperty("touser", out var u) ? u.GetString() ?? "" : "";
        var clientMsgId = root.TryGetProperty("client_msg_id", out var c) ? c.GetString() : null;
        if (!Templates.Contains(template))
        {
            await AnswerAsync(context, 40037, "invalid template_id");
            return;
        }

        if (NonFollowers.ContainsKey(openId))
        {
            await AnswerAsync(context, 43004, "require subscribe");
            return;
        }

        string msgId;
        var fresh = false;
        lock (_byClientMsgId)
        {
            // The same client_msg_id is one message: a repeat gets the first one's msgid and sends nothing.
            if (clientMsgId is not null && _byClientMsgId.TryGetValue(clientMsgId, out var seen))
            {
                msgId = seen;
            }
            else
            {
                if (Interlocked.Increment(ref _today) > DailyTemplateCap)
                {
                    msgId = "";
                }
                else
                {
                    msgId = Interlocked.Increment(ref _msgIds).ToString(CultureInfo.InvariantCulture);
                    fresh = true;
                    if (clientMsgId is not null)
                    {
                        _byClientMsgId[clientMsgId] = msgId;
                    }

                    TemplateMessages.Enqueue((msgId, root));
                }
            }
        }

        if (msgId.Length == 0)
        {
            await AnswerAsync(context, 45009, "reach max api daily quota limit");
            return;
        }

        if (fresh && Webhook is { } target)
        {
            var push = PushFinishAsync(target, openId, msgId);
            if (FinishBeforeAnswer)
            {
                await push;
            }
        }

        if (TakeHang())
        {
            await HangAsync(context);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"errcode":0,"errmsg":"ok","msgid":{{msgId}}}""", Encoding.UTF8);
    }

    private bool TakeRate()
    {
        lock (Templates)
        {
            var second = Now() / 1000;
            if (second != _rateSecond)
            {
                (_rateSecond, _rateCount) = (second, 0);
            }

            return ++_rateCount <= TemplatesPerSecond;
        }
    }

    private async Task SubscriptionAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var root = body.RootElement.Clone();
        if (NextErrors.TryDequeue(out var queued))
        {
            await AnswerAsync(context, queued);
            return;
        }

        var field = (root.TryGetProperty("touser", out var u) ? u.GetString() : "") + "\n" + (root.TryGetProperty("template_id", out var t) ? t.GetString() : "");
        var granted = false;
        lock (_grants)
        {
            if (_grants.GetValueOrDefault(field) > 0)
            {
                _grants[field]--;
                granted = true;
            }
        }

        if (!granted)
        {
            await AnswerAsync(context, 43101, "user refuse to accept the msg");
            return;
        }

        Subscriptions.Enqueue(root);
        if (TakeHang())
        {
            await HangAsync(context);
            return;
        }

        // bizsend answers without a msgid.
        await AnswerAsync(context, 0, "ok");
    }

    private async Task PushFinishAsync(JobFinishPush target, string openId, string msgId)
    {
        await Task.Delay(FinishBeforeAnswer ? TimeSpan.Zero : FinishDelay);
        var times = FinishTwice ? 2 : 1;
        for (var i = 0; i < times; i++)
        {
            try
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                var xml = SampleMessages.Build(target.Gh, openId, now, "event", ("Event", "TEMPLATESENDJOBFINISH"), ("MsgID", msgId), ("Status", FinishStatus));
                var prefix = RandomNumberGenerator.GetBytes(16);
                var push = SignedPush.Create(target.Token, target.AppId, target.EncodingAesKey, target.EncodingAesKey is null ? PushMode.Plain : PushMode.Safe,
                    xml, now, RandomNumberGenerator.GetInt32(1_000_000_000).ToString(CultureInfo.InvariantCulture), prefix);
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                using var content = new ByteArrayContent(push.Body);
                using var answer = await http.PostAsync($"{target.Url}?{push.Query}", content);
                FinishAnswers.Enqueue(((int)answer.StatusCode, await answer.Content.ReadAsStringAsync()));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                FinishAnswers.Enqueue((0, e.Message));
            }
        }
    }

    private static async Task HangAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task AnswerAsync(HttpContext context, int code, string message = "fake error")
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["errcode"] = code, ["errmsg"] = code == 0 ? "ok" : message }), Encoding.UTF8);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
