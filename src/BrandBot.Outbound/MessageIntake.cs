using BrandBot.Outbound.Messages;
using BrandBot.Outbound.Sending;
using BrandBot.Outbound.Store;

namespace BrandBot.Outbound;

/// <summary>
/// Where a message enters: the HTTP API and <c>brandbot messages send</c> both come here. The id is new
/// for every attempt to queue; a key seen before gives back the first message's id instead.
/// </summary>
public sealed class MessageIntake(IOutboundStore store, OutboundOptions options, OutboundSignal signal, IOutboundObserver observer, TimeProvider time)
{
    public async Task<AcceptResult> AcceptAsync(string account, string idempotencyKey, MessageRequest request, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var message = new OutboundMessage
        {
            Id = NewId(),
            Account = account,
            Kind = request.Kind,
            To = request.To,
            Payload = request.Payload,
            IdempotencyKey = idempotencyKey,
            BodyHash = request.BodyHash,
            CreatedAt = now,
        };
        AcceptGate gate = request.Kind switch
        {
            _ when request.Kind.IsCustomerService() => new WindowGate(options.Window()),
            MessageKind.Subscription => new GrantGate(request.TemplateId!),
            _ => AcceptGate.None,
        };
        var result = await store.AcceptAsync(message, gate, now, cancellationToken);
        observer.Counted(account, request.Kind.Name(), result.Outcome switch
        {
            AcceptOutcome.Accepted => "accepted",
            AcceptOutcome.Replayed => "replayed",
            AcceptOutcome.Conflict => "conflict",
            AcceptOutcome.WindowClosed => "window_closed",
            _ => "no_grant",
        });
        if (result.Outcome == AcceptOutcome.Accepted)
        {
            signal.Ring(account);
        }

        return result;
    }

    /// <summary>"msg_" and 24 random hex digits: unguessable, so an id alone reveals nothing to another key's holder.</summary>
    private static string NewId() => "msg_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
}
