using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BrandBot.Protocol.Simulation;
using Microsoft.AspNetCore.Http;

namespace BrandBot.FakeWeChat;

/// <summary>
/// WeChat's mass-send side (docs/broadcasts.md#wechats-rules-in-short), on loopback: the 24-hour clientmsgid
/// table (45065 with the first msg_id, 45066 within a minute of the first attempt, 45067 over 64 bytes),
/// single-use drafts, the subscription account's one send a day, a service account's four a month per
/// follower (shown in FilterCount), 60 calls a minute, material and uploadimg, follower lists, and the
/// MASSSENDJOBFINISH event pushed back to BrandBot's webhook after a delay — or twice, or never.
/// </summary>
public sealed class FakeBroadcasts(FakeAccount account)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (string MsgId, DateTimeOffset First)> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _drafts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _materials = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DateTimeOffset>> _received = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _minute = new();
    private long _nextMsgId = 3_147_494_000;
    private int _nextMedia;
    private DateOnly? _subscriptionSentOn;
    private int _hang;
    private int _submissions;

    /// <summary>The fake's clock: tests share a FakeTimeProvider with BrandBot to step past WeChat's windows.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public bool Subscription { get; set; }

    /// <summary>Everyone who follows the account (user/get) besides those it tagged; a named OpenID that is neither is filtered.</summary>
    public ConcurrentDictionary<string, bool> Followers { get; } = new(StringComparer.Ordinal);

    /// <summary>Followers: those added by a test, and anyone the account tagged (how a follower reaches the fake when it runs by itself).</summary>
    private IEnumerable<string> AllFollowers => Followers.Keys.Concat(account.Taggings.SelectMany(t => t.OpenIds)).Distinct(StringComparer.Ordinal);

    /// <summary>Every job WeChat accepted (one per distinct clientmsgid).</summary>
    public ConcurrentQueue<MassJob> Jobs { get; } = new();

    /// <summary>Every mass call as "path errcode clientmsgid".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Every preview: the recipient (OpenID or "wx:NAME") and the body.</summary>
    public ConcurrentQueue<(string To, string Body)> Previews { get; } = new();

    public ConcurrentQueue<string> Uploads { get; } = new();

    /// <summary>Error codes to answer the next submissions with, before looking at them (nothing is accepted).</summary>
    public ConcurrentQueue<int> NextSubmissionErrors { get; } = new();

    /// <summary>Error codes to answer the Nth submission with (1-based), before accepting it.</summary>
    public ConcurrentDictionary<int, int> ErrorAtSubmission { get; } = new();

    /// <summary>The next this-many submissions are accepted and then never answered (the connection hangs).</summary>
    public int HangNextSubmissions { get => Volatile.Read(ref _hang); set => Volatile.Write(ref _hang, value); }

    /// <summary>Where and how job-finish events are pushed; null = never.</summary>
    public JobFinishPush? Push { get; set; }

    /// <summary>Normal, Drop (never pushed) or Twice (pushed two times, as WeChat sometimes does).</summary>
    public FinishMode Finish { get; set; } = FinishMode.Normal;

    public TimeSpan FinishDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public void Map(Microsoft.AspNetCore.Builder.WebApplication app, Func<string, bool> tokenIsValid)
    {
        void Post(string path, Func<HttpContext, JsonObject, Task<JsonObject>> handle) => app.MapPost(path, async context =>
        {
            JsonObject answer;
            if (!tokenIsValid(context.Request.Query["access_token"].ToString()))
            {
                answer = Error(40001, "invalid credential, access_token is invalid or not latest");
            }
            else if (context.Request.HasFormContentType)
            {
                answer = await handle(context, []);
            }
            else
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                var text = await reader.ReadToEndAsync();
                answer = (text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject) is { } body ? await handle(context, body) : Error(40016, "invalid body");
            }

            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(answer.ToJsonString(), Encoding.UTF8);
        });

        Post("/cgi-bin/message/mass/sendall", (c, b) => SubmitAsync(c, b, named: false));
        Post("/cgi-bin/message/mass/send", (c, b) => SubmitAsync(c, b, named: true));
        Post("/cgi-bin/message/mass/preview", (_, b) => Task.FromResult(Preview(b)));
        Post("/cgi-bin/message/mass/get", (_, b) => Task.FromResult(Get(b)));
        Post("/cgi-bin/draft/add", (_, b) => Task.FromResult(AddDraft(b)));
        Post("/cgi-bin/material/add_material", (c, _) => UploadAsync(c, permanent: true));
        Post("/cgi-bin/media/uploadimg", (c, _) => UploadAsync(c, permanent: false));
        Post("/cgi-bin/user/tag/get", (_, b) => Task.FromResult(Page([.. AllFollowers.Where(o => account.TagsOf(o).Contains(b["tagid"]?.GetValue<int>() ?? -1)).Order(StringComparer.Ordinal)], b["next_openid"]?.GetValue<string>())));
        app.MapGet("/cgi-bin/user/get", async context =>
        {
            var answer = tokenIsValid(context.Request.Query["access_token"].ToString())
                ? Page([.. AllFollowers.Order(StringComparer.Ordinal)], context.Request.Query["next_openid"].ToString())
                : Error(40001, "invalid credential");
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(answer.ToJsonString(), Encoding.UTF8);
        });
    }

    /// <summary>How many mass messages a follower received this calendar month (Beijing time), counting every job.</summary>
    public int ReceivedThisMonth(string openId)
    {
        lock (_gate)
        {
            var month = MonthOf(Clock.GetUtcNow());
            return _received.TryGetValue(openId, out var list) ? list.Count(t => MonthOf(t) == month) : 0;
        }
    }

    private async Task<JsonObject> SubmitAsync(HttpContext context, JsonObject body, bool named)
    {
        var key = body["clientmsgid"]?.GetValue<string>() ?? "";
        JsonObject answer;
        MassJob? accepted = null;
        var hang = false;
        lock (_gate)
        {
            answer = Decide(body, named, key, out accepted);
            if (accepted is not null && HangNextSubmissions > 0)
            {
                HangNextSubmissions--;
                hang = true;
            }
        }

        Calls.Enqueue($"{(named ? "send" : "sendall")} {answer["errcode"]} {key}");
        if (accepted is not null)
        {
            _ = PushFinishAsync(accepted);
        }

        if (hang)
        {
            // Accepted, and the answer never comes: the caller must not know whether it went out.
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
        }

        return answer;
    }

    private JsonObject Decide(JsonObject body, bool named, string key, out MassJob? accepted)
    {
        accepted = null;
        var now = Clock.GetUtcNow();
        if (NextSubmissionErrors.TryDequeue(out var queued) || ErrorAtSubmission.TryGetValue(++_submissions, out queued))
        {
            return Error(queued, "fake error");
        }

        while (_minute.Count > 0 && now - _minute.Peek() >= TimeSpan.FromMinutes(1))
        {
            _minute.Dequeue();
        }

        if (_minute.Count >= 60)
        {
            return Error(45011, "api minute-quota reach limit mustslower retry next minute");
        }

        _minute.Enqueue(now);
        if (named && Subscription)
        {
            return Error(48001, "api unauthorized");
        }

        if (Encoding.UTF8.GetByteCount(key) > 64)
        {
            return Error(45067, "clientmsgid size out of limit");
        }

        var msgType = body["msgtype"]?.GetValue<string>() ?? "";
        var content = body[msgType == "image" ? "images" : msgType]?.ToJsonString() ?? "";
        string[] recipients;
        string scope;
        if (named)
        {
            recipients = body["touser"] is JsonArray list ? [.. list.Select(n => n!.GetValue<string>())] : [];
            if (recipients.Length is < 2 or > 10_000)
            {
                return Error(40130, "invalid openid list size, at least two openid");
            }

            scope = "list:" + string.Join(",", recipients);
        }
        else
        {
            var all = body["filter"]?["is_to_all"]?.GetValue<bool>() ?? false;
            var tagId = body["filter"]?["tag_id"]?.GetValue<int>() ?? 0;
            if (!all && !account.Tags.Any(t => t.Id == tagId))
            {
                return Error(40050, "invalid tag id");
            }

            recipients = [.. AllFollowers.Where(o => all || account.TagsOf(o).Contains(tagId))];
            scope = all ? "all" : "tag:" + tagId;
        }

        // With no key WeChat uses a digest of scope and content.
        key = key.Length > 0 ? key : "digest:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(scope + content)));
        if (_keys.TryGetValue(key, out var known) && now - known.First < TimeSpan.FromHours(24))
        {
            return now - known.First < TimeSpan.FromMinutes(1)
                ? Error(45066, "same clientmsgid retry too fast")
                : new JsonObject { ["errcode"] = 45065, ["errmsg"] = "clientmsgid exist", ["msg_id"] = long.Parse(known.MsgId, CultureInfo.InvariantCulture) };
        }

        if (msgType == "mpnews")
        {
            var draft = body["mpnews"]?["media_id"]?.GetValue<string>() ?? "";
            if (!_drafts.TryGetValue(draft, out var consumed) || consumed)
            {
                return Error(40007, "invalid media_id");
            }

            _drafts[draft] = true;
        }

        if (Subscription && _subscriptionSentOn == DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime))
        {
            return Error(45009, "reach max api daily quota limit");
        }

        var delivered = new List<string>();
        foreach (var openId in recipients)
        {
            if (!Followers.ContainsKey(openId) && account.TagsOf(openId).Count == 0)
            {
                continue;
            }

            if (!_received.TryGetValue(openId, out var times))
            {
                _received[openId] = times = [];
            }

            // A service account's follower gets at most four mass messages a calendar month.
            if (!Subscription && times.Count(t => MonthOf(t) == MonthOf(now)) >= 4)
            {
                continue;
            }

            times.Add(now);
            delivered.Add(openId);
        }

        var msgId = (++_nextMsgId).ToString(CultureInfo.InvariantCulture);
        _keys[key] = (msgId, now);
        if (Subscription)
        {
            _subscriptionSentOn = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);
        }

        accepted = new MassJob(msgId, key, scope, msgType, [.. delivered], recipients.Length, delivered.Count, now);
        Jobs.Enqueue(accepted);
        var answer = new JsonObject { ["errcode"] = 0, ["errmsg"] = "send job submission success", ["msg_id"] = long.Parse(msgId, CultureInfo.InvariantCulture) };
        if (msgType == "mpnews")
        {
            answer["msg_data_id"] = _nextMsgId + 1_000_000;
        }

        return answer;
    }

    private JsonObject Preview(JsonObject body)
    {
        var wx = body["towxname"]?.GetValue<string>();
        var to = wx is not null ? "wx:" + wx : body["touser"]?.GetValue<string>();
        if (to is null)
        {
            return Error(40003, "invalid openid");
        }

        if (body["msgtype"]?.GetValue<string>() == "mpnews" && !_drafts.ContainsKey(body["mpnews"]?["media_id"]?.GetValue<string>() ?? ""))
        {
            return Error(40007, "invalid media_id");
        }

        Previews.Enqueue((to, body.ToJsonString()));
        return new JsonObject { ["errcode"] = 0, ["errmsg"] = "preview success", ["msg_id"] = 34182 };
    }

    private JsonObject Get(JsonObject body)
    {
        var id = body["msg_id"]?.ToString() ?? "";
        var job = Jobs.FirstOrDefault(j => j.MsgId == id);
        return job is null
            ? Error(40059, "invalid msg id")
            : new JsonObject { ["msg_id"] = long.Parse(id, CultureInfo.InvariantCulture), ["msg_status"] = Clock.GetUtcNow() - job.At >= FinishDelay ? "SEND_SUCCESS" : "SENDING" };
    }

    private JsonObject AddDraft(JsonObject body)
    {
        if (body["articles"] is not JsonArray articles || articles.Count is 0 or > 8)
        {
            return Error(40007, "invalid articles");
        }

        lock (_gate)
        {
            foreach (var article in articles)
            {
                if ((article?["title"]?.GetValue<string>() ?? "").Length is 0 or > 32)
                {
                    return Error(45003, "title size out of limit");
                }

                if (!_materials.Contains(article?["thumb_media_id"]?.GetValue<string>() ?? ""))
                {
                    return Error(40007, "invalid media_id");
                }

                if ((article?["content"]?.GetValue<string>() ?? "").Contains("src=\"http", StringComparison.Ordinal) && !(article?["content"]?.GetValue<string>() ?? "").Contains("mmbiz.qpic.cn", StringComparison.Ordinal))
                {
                    return Error(45166, "invalid content");
                }
            }

            var id = $"DRAFT-{++_nextMedia}";
            _drafts[id] = false;
            return new JsonObject { ["media_id"] = id };
        }
    }

    /// <summary>
    /// material/add_material (permanent: image 10 MB bmp/png/jpeg/jpg/gif, voice 2 MB mp3/wma/wav/amr, video
    /// 10 MB mp4 with a description field, thumb 64 KB jpg) and media/uploadimg (jpg/png, 1 MB), with
    /// WeChat's codes: 40004 unknown type, 40005 a format the type does not take, 40009–40012 too large.
    /// </summary>
    private async Task<JsonObject> UploadAsync(HttpContext context, bool permanent)
    {
        var form = await context.Request.ReadFormAsync();
        var file = form.Files["media"];
        if (file is null || file.Length == 0)
        {
            return Error(41005, "media data missing");
        }

        var type = permanent ? context.Request.Query["type"].ToString() : "uploadimg";
        if (!UploadLimits.TryGetValue(type, out var limit))
        {
            return Error(40004, "invalid media type");
        }

        if (!limit.Extensions.Contains(Path.GetExtension(file.FileName).ToLowerInvariant()))
        {
            return Error(40005, "invalid file type");
        }

        if (file.Length > limit.MaxBytes)
        {
            return Error(limit.TooLarge, "invalid file size");
        }

        if (type == "video" && string.IsNullOrEmpty(form["description"]))
        {
            return Error(40002, "video description missing");
        }

        lock (_gate)
        {
            var id = $"MEDIA-{++_nextMedia}";
            Uploads.Enqueue((permanent ? (type == "image" ? "material " : $"material {type} ") : "uploadimg ") + file.FileName);
            if (permanent)
            {
                _materials.Add(id);
                return type == "image" ? new JsonObject { ["media_id"] = id, ["url"] = $"http://mmbiz.qpic.cn/fake/{id}/0" } : new JsonObject { ["media_id"] = id };
            }

            return new JsonObject { ["url"] = $"http://mmbiz.qpic.cn/fake/{id}/0" };
        }
    }

    private static readonly Dictionary<string, (string[] Extensions, long MaxBytes, int TooLarge)> UploadLimits = new(StringComparer.Ordinal)
    {
        ["image"] = ([".bmp", ".png", ".jpeg", ".jpg", ".gif"], 10L * 1024 * 1024, 40009),
        ["voice"] = ([".mp3", ".wma", ".wav", ".amr"], 2L * 1024 * 1024, 40010),
        ["video"] = ([".mp4"], 10L * 1024 * 1024, 40011),
        ["thumb"] = ([".jpg", ".jpeg"], 64L * 1024, 40012),
        ["uploadimg"] = ([".jpg", ".jpeg", ".png"], 1024L * 1024, 40009),
    };

    /// <summary>Whether a permanent material with this id exists (a reply or a draft may name it).</summary>
    public bool HasMaterial(string mediaId)
    {
        lock (_gate)
        {
            return _materials.Contains(mediaId);
        }
    }

    private async Task PushFinishAsync(MassJob job)
    {
        if (Push is not { } push || Finish == FinishMode.Drop)
        {
            return;
        }

        await Task.Delay(FinishDelay);
        for (var i = 0; i < (Finish == FinishMode.Twice ? 2 : 1); i++)
        {
            // A second delivery is a separate push (another CreateTime), as WeChat's duplicates are.
            var created = Clock.GetUtcNow().ToUnixTimeSeconds() + i;
            var xml = SampleMessages.Build(push.Gh, "o_system", created, "event",
                ("Event", "MASSSENDJOBFINISH"), ("MsgID", job.MsgId), ("Status", "send success"),
                ("TotalCount", job.Total.ToString(CultureInfo.InvariantCulture)), ("FilterCount", job.Filter.ToString(CultureInfo.InvariantCulture)),
                ("SentCount", job.Filter.ToString(CultureInfo.InvariantCulture)), ("ErrorCount", "0"));
            var signed = SignedPush.Create(push.Token, push.AppId, push.EncodingAesKey, push.EncodingAesKey is null ? PushMode.Plain : PushMode.Safe, xml, created, "7731" + i, "0123456789abcdef"u8);
            try
            {
                using var client = new HttpClient();
                using var content = new ByteArrayContent(signed.Body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/xml");
                using var _ = await client.PostAsync(push.Url + "?" + signed.Query, content);
            }
            catch (HttpRequestException)
            {
                // BrandBot was down: WeChat does not queue job events either.
            }
        }
    }

    private static JsonObject Page(List<string> all, string? next)
    {
        var start = string.IsNullOrEmpty(next) ? 0 : all.IndexOf(next) + 1;
        var page = all.Skip(start).Take(10_000).ToList();
        return new JsonObject
        {
            ["total"] = all.Count,
            ["count"] = page.Count,
            ["data"] = new JsonObject { ["openid"] = new JsonArray([.. page.Select(o => (JsonNode)o)]) },
            ["next_openid"] = page.Count == 0 || start + page.Count >= all.Count ? "" : page[^1],
        };
    }

    private static string MonthOf(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static JsonObject Error(int code, string message) => new() { ["errcode"] = code, ["errmsg"] = message };
}

/// <summary>One accepted mass job: WeChat's msg_id, the key, the scope, and who it reached after the filters.</summary>
public sealed record MassJob(string MsgId, string ClientMsgId, string Scope, string MsgType, string[] Delivered, int Total, int Filter, DateTimeOffset At);

/// <summary>BrandBot's webhook as WeChat knows it: URL, Token, AppId, the gh_ id, and the AES key (null = plain mode).</summary>
public sealed record JobFinishPush(string Url, string Token, string AppId, string Gh, string? EncodingAesKey);

public enum FinishMode
{
    Normal,
    Drop,
    Twice,
}
