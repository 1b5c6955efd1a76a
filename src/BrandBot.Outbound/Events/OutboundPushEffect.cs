using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;
using Microsoft.Extensions.Logging;

namespace BrandBot.Outbound.Events;

/// <summary>
/// What the outbound room learns from pushes, once per push (the attempt that counts): a follower's
/// message or action opens the customer-service window, an unfollow closes it, the subscription events
/// keep the grant ledger, and TEMPLATESENDJOBFINISH settles a template message. Queued, never awaited:
/// the push is answered <c>success</c> as always.
/// </summary>
public sealed class OutboundPushEffect(LedgerQueue queue, TimeProvider time, ILoggerFactory logs) : IPushEffect
{
    private readonly ILogger _log = logs.CreateLogger(OutboundLog.Category);

    public void Apply(WeChatAccount account, InboundMessage message)
    {
        var now = time.GetUtcNow();
        var follower = message.FromUserName;
        switch (message)
        {
            case UserMessage:
                Add(new WindowOpened(account.Name, follower, true, now));
                break;
            // A follow, a QR scan and these menu clicks allow a few sends within a minute (docs/outbound-messages.md#the-customer-service-window).
            case SubscribeEvent or ScanEvent or ClickEvent or ScanCodeEvent:
                Add(new WindowOpened(account.Name, follower, false, now));
                break;
            case UnsubscribeEvent:
                Add(new FollowerLeft(account.Name, follower, now));
                break;
            case JobFinishedEvent { IsMassSend: false } finished when finished.MsgID.Length > 0:
                Add(new TemplateFinished(account.Name, finished.MsgID.Trim(), finished.Status.Trim(), now));
                break;
            default:
                if (SubscriptionChoices.Concerns(message))
                {
                    foreach (var (template, accepted) in SubscriptionChoices.Read(message))
                    {
                        Add(new GrantChanged(account.Name, follower, template, accepted, now));
                    }
                }

                break;
        }
    }

    private void Add(LedgerUpdate update)
    {
        if (!queue.TryAdd(update))
        {
            OutboundLog.LedgerFull(_log, update.Account);
        }
    }
}
