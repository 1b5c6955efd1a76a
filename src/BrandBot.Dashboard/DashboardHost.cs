namespace BrandBot.Dashboard;

/// <summary>Where the serving process keeps its rules and statistics, as the Health page shows it.</summary>
public enum StoreState
{
    Embedded,
    Redis,
    RedisUnreachable,
}

/// <summary>
/// What the dashboard shows about the process that serves it, given by the host when it maps the
/// dashboard: the meter its counters are published under, and the shared store's state right now.
/// </summary>
public sealed record DashboardHost(string MeterName, Func<StoreState> Store);
