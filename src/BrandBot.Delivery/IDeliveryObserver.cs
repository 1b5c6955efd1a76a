namespace BrandBot.Delivery;

/// <summary>
/// What the delivery side reports to metrics and logs. Outcomes are short fixed words (metric labels);
/// details are WeChat's or the network's own words for a failure, for the operator's log line. Neither
/// carries OpenIDs, tokens or secrets.
/// </summary>
public interface IDeliveryObserver
{
    /// <summary>One backend call: <c>ok</c>, <c>failed</c>, <c>timeout</c>, <c>bad_answer</c>, <c>circuit_open</c>.</summary>
    void BackendCalled(string account, string backend, string outcome);

    /// <summary>A backend's circuit opened (calls go straight to the fallback for <paramref name="breakFor"/>) or closed again.</summary>
    void BackendCircuitChanged(string backend, bool open, TimeSpan breakFor);

    /// <summary>A shared-store call on the request path failed or was too slow; the process answered from its own memory instead.</summary>
    void StoreUnavailable(string operation);

    /// <summary>A retry met its first attempt: <c>replayed</c> (answered from the record) or <c>waited</c> (for an attempt in flight).</summary>
    void DedupHit(string account, string outcome);

    /// <summary>A push answered <c>success</c> by a rate limit: <c>follower</c> or <c>account</c>.</summary>
    void RateLimited(string account, string scope);

    /// <summary>A backend reply missed the push budget; it goes out by customer service instead.</summary>
    void BudgetFallback(string account);

    /// <summary>A flow event: <c>started</c>, <c>completed</c>, <c>cancelled</c>, <c>backend_late</c>, ….</summary>
    void FlowEvent(string account, string flow, string @event);

    /// <summary>A follow, with the QR scene it came through if the rules declare it, <c>other</c> if they do not, empty for none (<see cref="Answering.HitRecorder.SceneLabel"/>).</summary>
    void Followed(string account, string scene);

    void Unfollowed(string account);

    void RuleHit(string account, string rule);

    /// <summary>A text no rule answered (the default reply, or nothing).</summary>
    void Unanswered(string account);
}
