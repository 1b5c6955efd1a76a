namespace BrandBot.Outbound.Messages;

/// <summary>
/// A request body read into one message: its kind, the follower, the WeChat body to send (minus the
/// template's <c>client_msg_id</c>, which comes from the idempotency key) and a hash of its meaning.
/// </summary>
public sealed record MessageRequest(MessageKind Kind, string To, string Payload, string BodyHash, string? TemplateId);
