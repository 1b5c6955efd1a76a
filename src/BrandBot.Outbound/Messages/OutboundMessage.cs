namespace BrandBot.Outbound.Messages;

/// <summary>
/// One message as stored: what to send (the WeChat body, built once at acceptance, so every attempt sends
/// the same bytes) and what became of it. OpenIDs live here because the sender needs them; everything
/// shown to people masks them (<see cref="Delivery.Pipeline.OpenIdMask"/>).
/// </summary>
public sealed record OutboundMessage
{
    public required string Id { get; init; }

    public required string Account { get; init; }

    public required MessageKind Kind { get; init; }

    public required string To { get; init; }

    /// <summary>The JSON body of the WeChat call, raw UTF-8 text.</summary>
    public required string Payload { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>A hash of the request's meaning, to tell a repeat from a different body under the same key.</summary>
    public required string BodyHash { get; init; }

    public string Status { get; init; } = MessageStatus.Queued;

    /// <summary>WeChat calls made for it (0 while none was).</summary>
    public int Attempts { get; init; }

    /// <summary>
    /// Access-token fetches that failed for it since its last WeChat call: they set its back-off as
    /// <see cref="Attempts"/> do, but never count towards <c>MaxAttempts</c> (nothing was sent).
    /// </summary>
    public int TokenFailures { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Template sends: WeChat's <c>msgid</c>, which TEMPLATESENDJOBFINISH carries as <c>MsgID</c>.</summary>
    public string? WeChatMsgId { get; init; }

    public int? ErrCode { get; init; }

    public string? ErrMsg { get; init; }

    /// <summary>A sentence an operator understands, for <c>failed</c> and <c>unknown</c>.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Set just before a WeChat call is written and cleared once its answer is known: found set by the
    /// next claimer, the call may have reached WeChat (docs/outbound-messages.md#exactly-once).
    /// </summary>
    public bool InCall { get; init; }
}
