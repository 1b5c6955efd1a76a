namespace BrandBot.WeChatApi;

/// <summary>
/// What the WeChat client reports to metrics and logs. Outcomes are short fixed words (metric labels);
/// details are WeChat's or the network's own words for a failure, for the operator's log line. Neither
/// carries OpenIDs, tokens or secrets.
/// </summary>
public interface IWeChatApiObserver
{
    /// <summary>A stable_token call: <c>ok</c>, or <c>error_CODE</c> / <c>failed</c>.</summary>
    void TokenRefreshed(string account, string outcome, string? detail = null);

    /// <summary>One customer-service send: <c>sent</c>, <c>out_of_window</c>, <c>quota</c>, <c>error_CODE</c>, <c>failed</c>, <c>no_token</c>, <c>no_appsecret</c>, <c>unsupported</c>.</summary>
    void CustomerServiceSent(string account, string outcome, string? detail = null);
}
