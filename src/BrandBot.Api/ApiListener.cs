using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BrandBot.Api;

/// <summary>
/// The API's own listener: its ports serve <c>/api</c> (and the health probes) only, and no other port
/// serves <c>/api</c>. Told apart by the port the connection came in on, never by the Host header.
/// </summary>
public static class ApiListener
{
    private static readonly string[] AlsoServed = ["/healthz", "/readyz"];

    public static void UseApiPortSeparation(this WebApplication app, IReadOnlySet<int> apiPorts) =>
        app.Use((context, next) =>
        {
            var onApi = apiPorts.Contains(context.Connection.LocalPort);
            var path = context.Request.Path;
            var api = path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
            var refused = onApi
                ? !api && !AlsoServed.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
                : api;
            if (refused)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
}
