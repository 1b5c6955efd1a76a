using BrandBot.Outbound.Store;
using Microsoft.Extensions.Logging;

namespace BrandBot.Outbound.Events;

/// <summary>Writes the queued ledger updates to the store, in order; a failed write is logged and tried once more.</summary>
public sealed class LedgerWriter(LedgerQueue queue, IOutboundStore store, OutboundOptions options, IOutboundObserver observer, ILoggerFactory logs)
{
    private readonly ILogger _log = logs.CreateLogger(OutboundLog.Category);

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var update in queue.Reader.ReadAllAsync(stopping))
            {
                for (var attempt = 0; attempt < 2; attempt++)
                {
                    try
                    {
                        await WriteAsync(update, stopping);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        OutboundLog.LedgerFailed(_log, update.Account, update.GetType().Name, e);
                        await Task.Delay(TimeSpan.FromMilliseconds(500), stopping);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteAsync(LedgerUpdate update, CancellationToken cancellationToken)
    {
        switch (update)
        {
            case WindowOpened opened:
                await store.OpenWindowAsync(opened.Account, opened.OpenId, opened.Message, opened.At, options.Window(), cancellationToken);
                break;
            case FollowerLeft left:
                await store.ForgetFollowerAsync(left.Account, left.OpenId, cancellationToken);
                break;
            case GrantChanged grant:
                await store.GrantAsync(grant.Account, grant.OpenId, grant.TemplateId, grant.Accepted, cancellationToken);
                break;
            case TemplateFinished finished:
                var outcome = await store.FinishAsync(finished.Account, finished.MsgId, finished.Status, finished.At, cancellationToken);
                if (outcome == FinishOutcome.Applied)
                {
                    observer.Counted(finished.Account, "template", Messages.MessageStatus.AfterJobFinish(finished.Status));
                }

                OutboundLog.JobFinished(_log, finished.Account, outcome.ToString().ToLowerInvariant());
                break;
        }
    }
}
