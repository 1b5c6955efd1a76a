using BrandBot.Protocol.Replies;

namespace BrandBot.Delivery.Backend;

/// <summary>
/// The result of one backend call: its replies, or why there are none (<c>failed</c>,
/// <c>timeout</c>, <c>bad_answer</c>, <c>circuit_open</c>). <see cref="Retryable"/> marks failures
/// where the request certainly did not run (connection refused, 429, 503).
/// </summary>
public sealed record BackendResult(IReadOnlyList<Reply>? Replies, string Outcome, bool Retryable = false)
{
    /// <summary>The answer's <c>"flow"</c> object, as sent (a flow's call step reads it).</summary>
    public System.Text.Json.JsonElement? Flow { get; init; }

    public bool Succeeded => Replies is not null;

    public static BackendResult Ok(IReadOnlyList<Reply> replies) => new(replies, "ok");

    public static BackendResult Failed(string outcome, bool retryable = false) => new(null, outcome, retryable);
}
