using BrandBot.WeChatApi;

namespace BrandBot.Commands;

/// <summary>
/// The WeChat API observer of the verbs that call WeChat (account, broadcast): a verb has no metrics, so a
/// failed token call is told to the operator on the error writer and the rest is quiet.
/// </summary>
internal sealed class ReportTokenFailures(TextWriter error) : IWeChatApiObserver
{
    public void TokenRefreshed(string account, string outcome, string? detail = null)
    {
        if (outcome != "ok")
        {
            error.WriteLine($"access token for '{account}': {outcome}{(detail is null ? "" : $" ({detail})")}");
        }
    }

    public void CustomerServiceSent(string account, string outcome, string? detail = null)
    {
    }
}
