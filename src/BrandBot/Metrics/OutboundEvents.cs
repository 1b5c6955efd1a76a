using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BrandBot.Outbound;

namespace BrandBot.Metrics;

/// <summary>
/// The outbound room's series (docs/outbound-messages.md#metrics): <c>brandbot_outbound_messages_total</c>
/// by account, kind and result, and per account the queue's depth and the age of its oldest message, as
/// last refreshed by this instance's sender (every instance reports the shared queue; take the max).
/// </summary>
public sealed class OutboundEvents : IOutboundObserver
{
    private readonly Counter<long> _messages;
    private readonly ConcurrentDictionary<string, (long Depth, double Oldest)> _queues = new(StringComparer.Ordinal);

    public OutboundEvents(IMeterFactory meters)
    {
        var meter = meters.Create(BrandBotMetrics.MeterName);
        _messages = meter.CreateCounter<long>("brandbot_outbound_messages_total", description: "Outbound messages by account, kind and result (accepted, replayed, conflict, window_closed, no_grant, sent, retried, failed, unknown, delivered).");
        meter.CreateObservableGauge("brandbot_outbound_queue_depth", () => _queues.Select(q => new Measurement<long>(q.Value.Depth, new KeyValuePair<string, object?>("account", q.Key))),
            description: "Outbound messages not yet finished (queued, sending, waiting to retry).");
        meter.CreateObservableGauge("brandbot_outbound_oldest_queued_seconds", () => _queues.Select(q => new Measurement<double>(q.Value.Oldest, new KeyValuePair<string, object?>("account", q.Key))),
            unit: "s", description: "Age of the oldest unfinished outbound message (0 when none).");
    }

    public void Counted(string account, string kind, string result) =>
        _messages.Add(1, new("account", account), new("kind", kind), new("result", result));

    public void QueueObserved(string account, long depth, double oldestSeconds) => _queues[account] = (depth, oldestSeconds);
}
