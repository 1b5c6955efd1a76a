using System.Globalization;
using BrandBot.Delivery.Dedup;
using BrandBot.Outbound.Messages;
using BrandBot.Outbound.Sending;
using BrandBot.Outbound.Store;
using BrandBot.Outbound.Windows;
using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// The outbound queue and ledgers in Redis (docs/outbound-messages.md#in-redis). Key claim, gate and
/// enqueue are one script; a claim moves the message's due time past its lease and bumps the account's
/// fence, and every later write is refused unless it carries the latest fence. Messages outlive every
/// instance: a restarted or other instance claims them once their lease has run out.
/// </summary>
public sealed class RedisOutboundStore(IConnectionMultiplexer redis, TimeSpan dayOffset) : IOutboundStore
{
    private static readonly TimeSpan MessageLifetime = Retention.Message;

    private static readonly TimeSpan MsgIdLifetime = Retention.MsgId;

    private const int RecentCap = Retention.RecentMessages;

    private IDatabase Db => redis.GetDatabase();

    public bool IsDurable => true;

    public async Task<AcceptResult> AcceptAsync(OutboundMessage message, AcceptGate gate, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var prefix = RedisKeys.OutboundPrefix(message.Account);
        var (gateName, gateKey, gateField) = gate switch
        {
            WindowGate => ("window", WindowKey(prefix, message.To), ""),
            GrantGate grant => ("grant", GrantsKey(prefix, message.To), grant.TemplateId),
            _ => ("none", WindowKey(prefix, message.To), ""),
        };
        var rules = (gate as WindowGate)?.Rules ?? Outbound.Windows.WindowRules.Default;
        RedisKey[] keys =
        [
            prefix + "idem:" + message.IdempotencyKey, prefix + "msg:" + message.Id, prefix + "queue", prefix + "age",
            prefix + "recent", gateKey, DayKey(prefix, now),
        ];
        var values = new List<RedisValue>
        {
            message.Id, message.BodyHash, now.ToUnixTimeMilliseconds(), (long)IdempotencyKey.Lifetime.TotalMilliseconds, (long)MessageLifetime.TotalSeconds,
            gateName, gateField, (long)rules.MessageWindow.TotalMilliseconds, rules.MessageAllowance,
            (long)rules.ActionWindow.TotalMilliseconds, rules.ActionAllowance, RecentCap,
        };
        values.AddRange(Fields(message));
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(RedisOutboundScripts.Accept, keys, [.. values]))!;
        var id = (string?)result[1];
        return (string?)result[0] switch
        {
            "accepted" => new AcceptResult(AcceptOutcome.Accepted, id),
            "replayed" => new AcceptResult(AcceptOutcome.Replayed, id),
            "conflict" => new AcceptResult(AcceptOutcome.Conflict, id),
            "window_closed" => new AcceptResult(AcceptOutcome.WindowClosed, null),
            _ => new AcceptResult(AcceptOutcome.NoGrant, null),
        };
    }

    public async Task<Claim?> ClaimAsync(string account, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var prefix = RedisKeys.OutboundPrefix(account);
        for (var tries = 0; tries < 10; tries++)
        {
            var result = await Db.ScriptEvaluateAsync(
                RedisOutboundScripts.Claim,
                [prefix + "queue", prefix + "fence", prefix + "age"],
                [now.ToUnixTimeMilliseconds(), (long)lease.TotalMilliseconds, prefix + "msg:"]);
            if (result.IsNull)
            {
                return null;
            }

            var parts = (RedisResult[])result!;
            if (parts.Length == 1)
            {
                continue; // an expired record was dropped from the queue; look again
            }

            var fence = long.Parse((string)parts[0]!, CultureInfo.InvariantCulture);
            return new Claim(Read(account, (RedisResult[])parts[1]!), fence);
        }

        return null;
    }

    public async Task<bool> UpdateAsync(OutboundMessage message, long fence, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var prefix = RedisKeys.OutboundPrefix(message.Account);
        var final = retryAt is null && MessageStatus.IsFinal(message.Status);
        var values = new List<RedisValue>
        {
            message.Id, fence, retryAt is not null ? "retry" : final ? "final" : "keep", retryAt?.ToUnixTimeMilliseconds() ?? 0,
            final ? DayOf.Counter(message.Status) ?? "" : "",
            final && message.Status == MessageStatus.Sent ? message.WeChatMsgId ?? "" : "",
            prefix, (long)MsgIdLifetime.TotalSeconds, now.ToUnixTimeMilliseconds(), Retention.Failures, (long)MessageLifetime.TotalMilliseconds,
        };
        values.AddRange(Fields(message with { Status = retryAt is not null ? MessageStatus.Queued : message.Status }));
        var result = await Db.ScriptEvaluateAsync(
            RedisOutboundScripts.Update,
            [prefix + "msg:" + message.Id, prefix + "queue", prefix + "age", DayKey(prefix, now), prefix + "fails"],
            [.. values]);
        if (result.Resp2Type == ResultType.Array)
        {
            // A job-finish event arrived before this send's answer: it applies now.
            var early = (RedisResult[])result!;
            await FinishAsync(message.Account, message.WeChatMsgId!, (string)early[1]!, now, cancellationToken);
            return true;
        }

        return (long)result == 1;
    }

    public async Task<FinishOutcome> FinishAsync(string account, string msgId, string status, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var prefix = RedisKeys.OutboundPrefix(account);
        var after = MessageStatus.AfterJobFinish(status);
        var result = (string?)await Db.ScriptEvaluateAsync(
            RedisOutboundScripts.Finish,
            [prefix + "msgid:" + msgId, prefix + "finish:" + msgId, DayKey(prefix, now), prefix + "fails"],
            [prefix + "msg:", status, now.ToUnixTimeMilliseconds(), after,
             after == MessageStatus.Failed ? WeChatErrors.DescribeFinish(status) : "", (long)MsgIdLifetime.TotalSeconds,
             Retention.Failures, (long)MessageLifetime.TotalMilliseconds]);
        return result switch
        {
            "applied" => FinishOutcome.Applied,
            "repeated" => FinishOutcome.Repeated,
            _ => FinishOutcome.Pending,
        };
    }

    public async Task<OutboundMessage?> GetAsync(string account, string id, CancellationToken cancellationToken = default)
    {
        var entries = await Db.HashGetAllAsync(RedisKeys.OutboundPrefix(account) + "msg:" + id);
        return entries.Length == 0 ? null : Read(account, entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!));
    }

    public async Task<IReadOnlyList<OutboundMessage>> ListAsync(string account, string? status, int limit, CancellationToken cancellationToken = default)
    {
        var prefix = RedisKeys.OutboundPrefix(account);
        var list = new List<OutboundMessage>();
        const int page = 200;
        for (long start = 0; list.Count < limit && start < RecentCap; start += page)
        {
            var ids = await Db.SortedSetRangeByRankAsync(prefix + "recent", start, start + page - 1, Order.Descending);
            if (ids.Length == 0)
            {
                break;
            }

            var reads = ids.Select(id => Db.HashGetAllAsync(prefix + "msg:" + id)).ToList();
            foreach (var entries in await Task.WhenAll(reads))
            {
                if (entries.Length > 0 && Read(account, entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!)) is { } message
                    && (status is null || message.Status == status) && list.Count < limit)
                {
                    list.Add(message);
                }
            }
        }

        return list;
    }

    public async Task<IReadOnlyList<OutboundMessage>> FailuresAsync(string account, int limit, CancellationToken cancellationToken = default)
    {
        var prefix = RedisKeys.OutboundPrefix(account);
        var ids = await Db.SortedSetRangeByRankAsync(prefix + "fails", 0, Math.Min(limit, Retention.Failures) - 1, Order.Descending);
        var reads = ids.Select(id => Db.HashGetAllAsync(prefix + "msg:" + id)).ToList();
        // A record gone (its 30 days ran out before the set's entry was trimmed) is skipped.
        return [.. (await Task.WhenAll(reads)).Where(e => e.Length > 0).Select(e => Read(account, e.ToDictionary(f => (string)f.Name!, f => (string)f.Value!)))];
    }

    public async Task<QueueState> QueueAsync(string account, CancellationToken cancellationToken = default)
    {
        var key = RedisKeys.OutboundPrefix(account) + "age";
        var depth = Db.SortedSetLengthAsync(key);
        var oldest = Db.SortedSetRangeByRankWithScoresAsync(key, 0, 0);
        var first = await oldest;
        return new QueueState(await depth, first.Length == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)first[0].Score));
    }

    public async Task<IReadOnlyList<DayCounts>> DaysAsync(string account, DateOnly today, int days, CancellationToken cancellationToken = default)
    {
        var prefix = RedisKeys.OutboundPrefix(account);
        var dates = Enumerable.Range(0, days).Reverse().Select(back => today.AddDays(-back)).ToList();
        var reads = dates.Select(d => Db.HashGetAllAsync(prefix + "day:" + d.ToString("yyyyMMdd", CultureInfo.InvariantCulture))).ToList();
        var results = await Task.WhenAll(reads);
        return [.. dates.Select((day, i) =>
        {
            var counts = results[i].ToDictionary(e => (string)e.Name!, e => (long)e.Value);
            long Get(string name) => counts.GetValueOrDefault(name);
            return new DayCounts(day, Get("queued"), Get("sent"), Get("delivered"), Get("failed"), Get("unknown"));
        })];
    }

    public Task OpenWindowAsync(string account, string openId, bool message, DateTimeOffset now, WindowRules rules, CancellationToken cancellationToken = default) =>
        Db.ScriptEvaluateAsync(
            RedisOutboundScripts.OpenWindow,
            [WindowKey(RedisKeys.OutboundPrefix(account), openId)],
            [now.ToUnixTimeMilliseconds(), message ? "1" : "0", (long)rules.MessageWindow.TotalMilliseconds, (long)rules.ActionWindow.TotalMilliseconds]);

    public async Task ForgetFollowerAsync(string account, string openId, CancellationToken cancellationToken = default)
    {
        var prefix = RedisKeys.OutboundPrefix(account);
        var window = Db.KeyDeleteAsync(WindowKey(prefix, openId));
        var grants = Db.KeyDeleteAsync(GrantsKey(prefix, openId));
        await Task.WhenAll(window, grants);
    }

    public Task GrantAsync(string account, string openId, string templateId, bool granted, CancellationToken cancellationToken = default)
    {
        var key = GrantsKey(RedisKeys.OutboundPrefix(account), openId);
        return granted ? Db.HashIncrementAsync(key, templateId) : Db.HashDeleteAsync(key, templateId);
    }

    /// <summary>
    /// A follower's grants, named by the follower's stored form (the hash <c>PushKey.Follower</c> gives a
    /// push's sender), never the OpenID: key names end up in Redis client errors, and those in log lines.
    /// </summary>
    private static string GrantsKey(string prefix, string openId) => prefix + "grants:" + PushKey.Follower(openId);

    /// <summary>
    /// A follower's window, one string key each (not a field of one hash) so that each expires on its own
    /// when it can allow no more sends (<see cref="Retention.WindowLeft"/>); named like the grants.
    /// </summary>
    internal static string WindowKey(string prefix, string openId) => prefix + "win:" + PushKey.Follower(openId);

    private string DayKey(string prefix, DateTimeOffset now) => prefix + "day:" + DayOf.Of(now, dayOffset).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static IEnumerable<RedisValue> Fields(OutboundMessage m)
    {
        static RedisValue Ms(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds() ?? (RedisValue)"";
        return
        [
            "id", m.Id, "kind", m.Kind.Name(), "to", m.To, "payload", m.Payload, "key", m.IdempotencyKey, "hash", m.BodyHash,
            "status", m.Status, "attempts", m.Attempts, "tokenfails", m.TokenFailures, "created", Ms(m.CreatedAt), "sent", Ms(m.SentAt), "finished", Ms(m.FinishedAt),
            "msgid", m.WeChatMsgId ?? "", "errcode", m.ErrCode?.ToString(CultureInfo.InvariantCulture) ?? "", "errmsg", m.ErrMsg ?? "",
            "error", m.Error ?? "", "incall", m.InCall ? "1" : "0",
        ];
    }

    private static OutboundMessage Read(string account, RedisResult[] flat)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            fields[(string)flat[i]!] = (string?)flat[i + 1] ?? "";
        }

        return Read(account, fields);
    }

    private static OutboundMessage Read(string account, Dictionary<string, string> f)
    {
        string? Text(string name) => f.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        DateTimeOffset? At(string name) => Text(name) is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(v, CultureInfo.InvariantCulture)) : null;
        return new OutboundMessage
        {
            Id = Text("id") ?? "",
            Account = account,
            Kind = MessageKinds.Parse(Text("kind")) ?? MessageKind.Text,
            To = Text("to") ?? "",
            Payload = Text("payload") ?? "{}",
            IdempotencyKey = Text("key") ?? "",
            BodyHash = Text("hash") ?? "",
            Status = Text("status") ?? MessageStatus.Queued,
            Attempts = int.TryParse(Text("attempts"), CultureInfo.InvariantCulture, out var a) ? a : 0,
            TokenFailures = int.TryParse(Text("tokenfails"), CultureInfo.InvariantCulture, out var t) ? t : 0,
            CreatedAt = At("created") ?? DateTimeOffset.UnixEpoch,
            SentAt = At("sent"),
            FinishedAt = At("finished"),
            WeChatMsgId = Text("msgid"),
            ErrCode = int.TryParse(Text("errcode"), CultureInfo.InvariantCulture, out var c) ? c : null,
            ErrMsg = Text("errmsg"),
            Error = Text("error"),
            InCall = Text("incall") == "1",
        };
    }
}
