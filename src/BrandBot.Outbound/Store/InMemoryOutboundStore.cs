using BrandBot.Outbound.Messages;
using BrandBot.Outbound.Windows;

namespace BrandBot.Outbound.Store;

/// <summary>
/// The embedded store: everything in this process's memory, under one lock. Queued messages are lost
/// when the process stops; the host says so at start-up (docs/outbound-messages.md#without-redis).
/// Bounded like the Redis store (<see cref="Retention"/>): keys free after their 24 h, finished messages
/// gone after 30 days or past the newest <paramref name="keep"/>, windows once they allow no send —
/// swept at most once a minute, by the calls that add to it.
/// </summary>
public sealed class InMemoryOutboundStore(TimeSpan dayOffset, int keep = Retention.RecentMessages) : IOutboundStore
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, AccountState> _accounts = new(StringComparer.Ordinal);

    public bool IsDurable => false;

    public Task<AcceptResult> AcceptAsync(OutboundMessage message, AcceptGate gate, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(message.Account);
            if (state.Keys.TryGetValue(message.IdempotencyKey, out var seen) && seen.Until > now)
            {
                return Task.FromResult(new AcceptResult(seen.Hash == message.BodyHash ? AcceptOutcome.Replayed : AcceptOutcome.Conflict, seen.Id));
            }

            switch (gate)
            {
                case WindowGate window:
                    var current = state.Windows.GetValueOrDefault(message.To);
                    if (current.Window.TryConsume(now.ToUnixTimeMilliseconds(), window.Rules) is not { } consumed)
                    {
                        return Task.FromResult(new AcceptResult(AcceptOutcome.WindowClosed, null));
                    }

                    state.Windows[message.To] = (consumed, current.Until);
                    break;
                case GrantGate grant:
                    var field = message.To + "\n" + grant.TemplateId;
                    if (state.Grants.GetValueOrDefault(field) < 1)
                    {
                        return Task.FromResult(new AcceptResult(AcceptOutcome.NoGrant, null));
                    }

                    state.Grants[field]--;
                    break;
            }

            state.Keys[message.IdempotencyKey] = (message.Id, message.BodyHash, now + IdempotencyKey.Lifetime);
            state.KeyExpiries.Enqueue((now + IdempotencyKey.Lifetime, message.IdempotencyKey));
            state.Messages[message.Id] = message;
            state.Due[message.Id] = now;
            state.Order.Add(message.Id);
            Count(state, now, MessageStatus.Queued);
            Sweep(state, now);
            return Task.FromResult(new AcceptResult(AcceptOutcome.Accepted, message.Id));
        }
    }

    public Task<Claim?> ClaimAsync(string account, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(account);
            string? next = null;
            var earliest = DateTimeOffset.MaxValue;
            foreach (var (id, due) in state.Due)
            {
                if (due <= now && due < earliest)
                {
                    (next, earliest) = (id, due);
                }
            }

            if (next is null)
            {
                return Task.FromResult<Claim?>(null);
            }

            var fence = ++state.Fence;
            state.Due[next] = now + lease;
            var message = state.Messages[next] with { Status = MessageStatus.Sending };
            state.Messages[next] = message;
            state.Fences[next] = fence;
            return Task.FromResult<Claim?>(new Claim(message, fence));
        }
    }

    public Task<bool> UpdateAsync(OutboundMessage message, long fence, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(message.Account);
            if (state.Fences.GetValueOrDefault(message.Id) != fence)
            {
                return Task.FromResult(false);
            }

            var updated = message;
            if (retryAt is { } due)
            {
                state.Due[message.Id] = due;
            }
            else if (MessageStatus.IsFinal(message.Status))
            {
                state.Due.Remove(message.Id);
                Count(state, now, message.Status);
                if (message.WeChatMsgId is { } msgId && message.Status == MessageStatus.Sent)
                {
                    state.ByMsgId[msgId] = message.Id;
                    if (state.PendingFinishes.Remove(msgId, out var finish) && finish.Until > now)
                    {
                        updated = Finished(message, finish.Status, now);
                        Count(state, now, updated.Status);
                    }
                }
            }

            state.Messages[message.Id] = updated;
            return Task.FromResult(true);
        }
    }

    public Task<FinishOutcome> FinishAsync(string account, string msgId, string status, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(account);
            if (!state.ByMsgId.TryGetValue(msgId, out var id) || !state.Messages.TryGetValue(id, out var message))
            {
                state.PendingFinishes[msgId] = (status, now + Retention.MsgId);
                return Task.FromResult(FinishOutcome.Pending);
            }

            if (message.Status != MessageStatus.Sent)
            {
                return Task.FromResult(FinishOutcome.Repeated);
            }

            var finished = Finished(message, status, now);
            state.Messages[id] = finished;
            Count(state, now, finished.Status);
            return Task.FromResult(FinishOutcome.Applied);
        }
    }

    public Task<OutboundMessage?> GetAsync(string account, string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(State(account).Messages.GetValueOrDefault(id));
        }
    }

    public Task<IReadOnlyList<OutboundMessage>> ListAsync(string account, string? status, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(account);
            IReadOnlyList<OutboundMessage> list = [.. Enumerable.Reverse(state.Order).Select(id => state.Messages[id]).Where(m => status is null || m.Status == status).Take(limit)];
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<OutboundMessage>> FailuresAsync(string account, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            // Bounded by the sweep (keep, 30 days); the dashboard asks for a few every few seconds at most.
            IReadOnlyList<OutboundMessage> list = [.. State(account).Messages.Values
                .Where(m => m.Status is MessageStatus.Failed or MessageStatus.Unknown)
                .OrderByDescending(m => m.FinishedAt ?? m.SentAt ?? m.CreatedAt)
                .Take(Math.Min(limit, Retention.Failures))];
            return Task.FromResult(list);
        }
    }

    public Task<QueueState> QueueAsync(string account, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(account);
            var oldest = state.Due.Keys.Select(id => state.Messages[id].CreatedAt).DefaultIfEmpty().Min();
            return Task.FromResult(new QueueState(state.Due.Count, state.Due.Count == 0 ? null : oldest));
        }
    }

    public Task<IReadOnlyList<DayCounts>> DaysAsync(string account, DateOnly today, int days, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(account);
            IReadOnlyList<DayCounts> list = [.. Enumerable.Range(0, days).Reverse().Select(back =>
            {
                var day = today.AddDays(-back);
                long Get(string counter) => state.Days.GetValueOrDefault((day, counter));
                return new DayCounts(day, Get("queued"), Get("sent"), Get("delivered"), Get("failed"), Get("unknown"));
            })];
            return Task.FromResult(list);
        }
    }

    public Task OpenWindowAsync(string account, string openId, bool message, DateTimeOffset now, WindowRules rules, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(account);
            Sweep(state, now);
            var nowMs = now.ToUnixTimeMilliseconds();
            var current = state.Windows.GetValueOrDefault(openId).Window;
            var opened = message ? current.Wrote(nowMs) : current.Acted(nowMs);
            state.Windows[openId] = (opened, now + Retention.WindowLeft(opened, rules, nowMs));
        }

        return Task.CompletedTask;
    }

    public Task ForgetFollowerAsync(string account, string openId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(account);
            state.Windows.Remove(openId);
            foreach (var field in state.Grants.Keys.Where(k => k.StartsWith(openId + "\n", StringComparison.Ordinal)).ToList())
            {
                state.Grants.Remove(field);
            }
        }

        return Task.CompletedTask;
    }

    public Task GrantAsync(string account, string openId, string templateId, bool granted, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = State(account);
            var field = openId + "\n" + templateId;
            if (granted)
            {
                state.Grants[field] = state.Grants.GetValueOrDefault(field) + 1;
            }
            else
            {
                state.Grants.Remove(field);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The message after its job-finish status: <c>success</c> → delivered, anything else → failed with WeChat's words.</summary>
    private static OutboundMessage Finished(OutboundMessage message, string status, DateTimeOffset now) =>
        MessageStatus.AfterJobFinish(status) == MessageStatus.Delivered
            ? message with { Status = MessageStatus.Delivered, FinishedAt = now }
            : message with { Status = MessageStatus.Failed, FinishedAt = now, ErrMsg = status, Error = Sending.WeChatErrors.DescribeFinish(status) };

    private void Count(AccountState state, DateTimeOffset now, string status)
    {
        if (DayOf.Counter(status) is { } counter)
        {
            var key = (DayOf.Of(now, dayOffset), counter);
            state.Days[key] = state.Days.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>
    /// Drops what the Redis store lets expire (<see cref="Retention"/>). A message still to be sent is
    /// never dropped: unlike a Redis record it cannot outlive this process anyway.
    /// </summary>
    private void Sweep(AccountState state, DateTimeOffset now)
    {
        // By the clock for what ages out; by the count past a hundredth over the cap, so the trim is not paid on every call.
        if (now < state.NextSweep && state.Order.Count <= keep + (keep / 100))
        {
            return;
        }

        state.NextSweep = now + SweepEvery;
        while (state.KeyExpiries.TryPeek(out var next) && next.Until <= now)
        {
            state.KeyExpiries.Dequeue();
            if (state.Keys.TryGetValue(next.Key, out var seen) && seen.Until <= now)
            {
                state.Keys.Remove(next.Key);
            }
        }

        var excess = state.Order.Count - keep;
        var oldest = now - Retention.Message;
        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in state.Order)
        {
            var message = state.Messages[id];
            if (excess - gone.Count <= 0 && message.CreatedAt >= oldest)
            {
                break; // acceptance order: everything after this one is newer
            }

            if (!state.Due.ContainsKey(id))
            {
                gone.Add(id);
                state.Messages.Remove(id);
                state.Fences.Remove(id);
                if (message.WeChatMsgId is { } msgId)
                {
                    state.ByMsgId.Remove(msgId);
                }
            }
        }

        if (gone.Count > 0)
        {
            state.Order.RemoveAll(gone.Contains);
        }

        foreach (var (msgId, finish) in state.PendingFinishes.Where(p => p.Value.Until <= now).ToList())
        {
            state.PendingFinishes.Remove(msgId);
        }

        foreach (var (openId, _) in state.Windows.Where(w => w.Value.Until <= now).ToList())
        {
            state.Windows.Remove(openId);
        }

        var firstDay = DayOf.Of(now, dayOffset).AddDays(-Retention.Days);
        foreach (var day in state.Days.Keys.Where(d => d.Day < firstDay).ToList())
        {
            state.Days.Remove(day);
        }
    }

    /// <summary>How much the account holds: what the sweep bounds (tests).</summary>
    internal (int Messages, int Keys, int Windows, int Days) Held(string account)
    {
        lock (_lock)
        {
            var state = State(account);
            return (state.Messages.Count, state.Keys.Count, state.Windows.Count, state.Days.Count);
        }
    }

    private AccountState State(string account)
    {
        if (!_accounts.TryGetValue(account, out var state))
        {
            _accounts[account] = state = new AccountState();
        }

        return state;
    }

    private sealed class AccountState
    {
        public Dictionary<string, (string Id, string Hash, DateTimeOffset Until)> Keys { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, OutboundMessage> Messages { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, DateTimeOffset> Due { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Fences { get; } = new(StringComparer.Ordinal);
        public List<string> Order { get; } = [];
        public Dictionary<string, string> ByMsgId { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, (string Status, DateTimeOffset Until)> PendingFinishes { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, (FollowerWindow Window, DateTimeOffset Until)> Windows { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, int> Grants { get; } = new(StringComparer.Ordinal);
        public Dictionary<(DateOnly Day, string Counter), long> Days { get; } = [];
        public Queue<(DateTimeOffset Until, string Key)> KeyExpiries { get; } = new();
        public DateTimeOffset NextSweep { get; set; }
        public long Fence { get; set; }
    }
}
