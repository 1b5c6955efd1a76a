using System.Text;

namespace BrandBot.Delivery.Pipeline;

/// <summary>What goes back on the wire for one request: always a short, explicit body with a length.</summary>
public sealed record WebhookAnswer(int Status, string ContentType, ReadOnlyMemory<byte> Body, string? RejectReason = null, string? RejectCode = null)
{
    /// <summary>Work to start once this answer is written (customer-service sends), so it never overtakes the passive reply.</summary>
    public Func<CancellationToken, Task>? FollowUp { get; init; }

    private const string Text = "text/plain; charset=utf-8";

    private static readonly byte[] SuccessBytes = "success"u8.ToArray();

    /// <summary>docs/protocol.md §4.9: "no passive reply" — never encrypted, never retried by WeChat.</summary>
    public static WebhookAnswer Success { get; } = new(200, Text, SuccessBytes);

    public bool IsSuccess => Status == 200 && Body.Span.SequenceEqual(SuccessBytes);

    public static WebhookAnswer Xml(byte[] xml) => new(200, "application/xml; charset=utf-8", xml);

    public static WebhookAnswer Plain(string body) => new(200, Text, Encoding.UTF8.GetBytes(body));

    /// <summary>
    /// A refusal: the status, the reason both as the body and for the log line, and a short fixed
    /// code for the <c>brandbot_rejections_total</c> label.
    /// </summary>
    public static WebhookAnswer Reject(int status, string code, string reason) => new(status, Text, Encoding.UTF8.GetBytes(reason), reason, code);
}
