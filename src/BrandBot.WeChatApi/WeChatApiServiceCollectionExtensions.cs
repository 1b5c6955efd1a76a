using BrandBot.WeChatApi.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BrandBot.WeChatApi;

public static class WeChatApiServiceCollectionExtensions
{
    /// <summary>
    /// The WeChat client, access tokens and customer-service sends. The token store is the embedded one
    /// unless a shared store was registered before; the caller registers an <see cref="IWeChatApiObserver"/>.
    /// </summary>
    /// <param name="baseUrl">WeChat's API root; tests point it at the fake on loopback.</param>
    public static IServiceCollection AddWeChatApi(this IServiceCollection services, string baseUrl)
    {
        var root = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";
        services.AddHttpClient(WeChatApiClient.HttpClientName, client =>
        {
            client.BaseAddress = new Uri(root);
            client.Timeout = TimeSpan.FromSeconds(15);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenStore, InMemoryTokenStore>();
        services.AddSingleton<WeChatApiClient>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<CustomerService>();
        services.AddSingleton<MessageSends>();
        return services;
    }
}
