using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>The API's own services; the host registers them (and AddOutbound) only when <c>BrandBot:Api:Urls</c> is set.</summary>
    public static IServiceCollection AddApi(this IServiceCollection services, ApiOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ApiKeys>();
        return services;
    }
}
