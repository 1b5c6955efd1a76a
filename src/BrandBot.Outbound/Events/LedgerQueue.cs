using System.Threading.Channels;

namespace BrandBot.Outbound.Events;

/// <summary>
/// Hands ledger updates from the request path to <see cref="LedgerWriter"/> without waiting. Bounded, so a
/// Redis outage cannot grow it without end; beyond that an update is dropped and logged.
/// </summary>
public sealed class LedgerQueue
{
    private readonly Channel<LedgerUpdate> _channel = Channel.CreateBounded<LedgerUpdate>(
        new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public bool TryAdd(LedgerUpdate update) => _channel.Writer.TryWrite(update);

    public ChannelReader<LedgerUpdate> Reader => _channel.Reader;
}
