namespace BrandBot.Delivery.Dedup;

/// <summary>The embedded store's ledger: the process's own gate decides at once, so there is nothing to write behind.</summary>
public sealed class InMemoryPushLedger(InMemoryPushGate gate, TimeProvider time) : IPushLedger
{
    public RememberedAnswer? Write(PendingPush push)
    {
        var earlier = gate.TryRecord(push, time.GetUtcNow());
        push.Settled(earlier is null);
        return earlier;
    }

    public TimeSpan WriteBound => TimeSpan.Zero;

    public Task DrainAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
