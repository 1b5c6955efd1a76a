namespace BrandBot.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The dashboard's own services; the host registers them only when the dashboard is on.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, DashboardOptions dashboard, DashboardHost host)
    {
        services.AddSingleton(dashboard);
        services.AddSingleton(host);
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton<SignInRefusals>();
        services.AddSingleton<HealthWatch>();
        services.AddSingleton<LiveDefinition>();
        return services;
    }
}
