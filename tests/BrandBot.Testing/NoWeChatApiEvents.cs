using BrandBot.WeChatApi;

namespace BrandBot.Testing;

/// <summary>A WeChat API observer that records nothing, for rigs that build the API client without metrics.</summary>
public sealed class NoWeChatApiEvents : IWeChatApiObserver
{
    public void TokenRefreshed(string account, string outcome, string? detail = null)
    {
    }

    public void CustomerServiceSent(string account, string outcome, string? detail = null)
    {
    }
}
