using BrandBot.Outbound.Messages;

namespace BrandBot.Outbound.Store;

/// <summary>
/// The durable queue of outbound messages and the ledgers that decide whether one may be queued
/// (docs/outbound-messages.md#exactly-once). Every operation on one account is atomic; on Redis they are
/// scripts on the account's slot. Embedded: <see cref="InMemoryOutboundStore"/> (lost with the process).
/// </summary>
public interface IOutboundStore
{
    /// <summary>True when queued messages survive this process (Redis); false for the embedded store.</summary>
    bool IsDurable { get; }

    /// <summary>
    /// Claims the idempotency key, passes the gate and queues the message, all or nothing. A key seen
    /// before answers with the first message's id (<see cref="AcceptOutcome.Replayed"/> when its body
    /// hash matches, else <see cref="AcceptOutcome.Conflict"/>) before any gate is consulted.
    /// </summary>
    Task<AcceptResult> AcceptAsync(OutboundMessage message, AcceptGate gate, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases the account's next due message (queued, due for a retry, or whose holder's lease ran out):
    /// status <c>sending</c>, a new fence, due again at <paramref name="now"/> + <paramref name="lease"/>.
    /// </summary>
    Task<Claim?> ClaimAsync(string account, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="message"/> if <paramref name="fence"/> is still the latest: due again at
    /// <paramref name="retryAt"/> when given, else off the queue when its status is final, else kept
    /// leased (the in-call mark before a WeChat call). False: the lease was lost, the caller stops.
    /// A final <c>sent</c> with a MsgID applies a job-finish event that came first.
    /// </summary>
    Task<bool> UpdateAsync(OutboundMessage message, long fence, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>TEMPLATESENDJOBFINISH: moves the message sent with <paramref name="msgId"/> to delivered or failed, once.</summary>
    Task<FinishOutcome> FinishAsync(string account, string msgId, string status, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<OutboundMessage?> GetAsync(string account, string id, CancellationToken cancellationToken = default);

    /// <summary>The newest messages first, of one status when given.</summary>
    Task<IReadOnlyList<OutboundMessage>> ListAsync(string account, string? status, int limit, CancellationToken cancellationToken = default);

    Task<QueueState> QueueAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>The last <paramref name="days"/> days up to <paramref name="today"/>, oldest first.</summary>
    Task<IReadOnlyList<DayCounts>> DaysAsync(string account, DateOnly today, int days, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest failed or unknown messages, the one that ended last first (the dashboard's latest
    /// failures); at most <see cref="Retention.Failures"/> are kept, none past <see cref="Retention.Message"/>.
    /// </summary>
    Task<IReadOnlyList<OutboundMessage>> FailuresAsync(string account, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The follower wrote (<paramref name="message"/> true) or acted (follow, scan, menu click) at
    /// <paramref name="now"/>. The store forgets the window once <paramref name="rules"/> allow no send
    /// from it any more (<see cref="Retention.WindowLeft"/>).
    /// </summary>
    Task OpenWindowAsync(string account, string openId, bool message, DateTimeOffset now, Windows.WindowRules rules, CancellationToken cancellationToken = default);

    /// <summary>The follower left: window and grants are gone.</summary>
    Task ForgetFollowerAsync(string account, string openId, CancellationToken cancellationToken = default);

    /// <summary><c>accept</c> adds one grant of (follower, template); <c>reject</c> (<paramref name="granted"/> false) removes them all.</summary>
    Task GrantAsync(string account, string openId, string templateId, bool granted, CancellationToken cancellationToken = default);
}
