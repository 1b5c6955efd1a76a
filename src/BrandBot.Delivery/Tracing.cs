using System.Diagnostics;

namespace BrandBot.Delivery;

/// <summary>
/// The request path's spans (push → gate → backend, customer-service sends). Exported over OTLP only
/// when an endpoint is configured; without a listener <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null and costs nothing. Tags carry accounts and outcomes, never OpenIDs or message text.
/// </summary>
public static class Tracing
{
    public const string SourceName = "BrandBot";

    public static readonly ActivitySource Source = new(SourceName);
}
