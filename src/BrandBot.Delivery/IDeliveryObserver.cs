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
}
