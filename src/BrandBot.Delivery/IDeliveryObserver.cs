namespace BrandBot.Delivery;

/// <summary>
/// What the delivery side reports to metrics and logs. Outcomes are short fixed words (metric labels);
/// details are WeChat's or the network's own words for a failure, for the operator's log line. Neither
/// carries OpenIDs, tokens or secrets.
/// </summary>
public interface IDeliveryObserver
{
    /// <summary>A stable_token call: <c>ok</c>, or <c>error_CODE</c> / <c>failed</c>.</summary>
    void TokenRefreshed(string account, string outcome, string? detail = null);

    /// <summary>One customer-service send: <c>sent</c>, <c>out_of_window</c>, <c>quota</c>, <c>error_CODE</c>, <c>failed</c>, <c>no_token</c>, <c>no_appsecret</c>, <c>unsupported</c>.</summary>
    void CustomerServiceSent(string account, string outcome, string? detail = null);

    /// <summary>One backend call: <c>ok</c>, <c>failed</c>, <c>timeout</c>, <c>bad_answer</c>, <c>circuit_open</c>.</summary>
    void BackendCalled(string account, string backend, string outcome);

    /// <summary>A backend's circuit opened (calls go straight to the fallback for <paramref name="breakFor"/>) or closed again.</summary>
    void BackendCircuitChanged(string backend, bool open, TimeSpan breakFor);

    /// <summary>A shared-store call on the request path failed or was too slow; the process answered from its own memory instead.</summary>
    void StoreUnavailable(string operation);
}
