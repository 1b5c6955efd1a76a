using BrandBot.Delivery.Pipeline;
using BrandBot.Rules.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BrandBot.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is alive. <c>/readyz</c>: every account that has a rules file is answering
/// with a loaded version (200 "ready", or 200 "degraded: …" while Redis is away; 503 before rules load).
/// Mapped in every environment (STYLE.md §5).
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", static () => Results.Text("ok"));
        app.MapGet("/readyz", Ready);
        app.MapGet("/selftest", SelfTest);
        return app;
    }

    /// <summary>
    /// What this instance sees of a request after the proxy: scheme, host, path base, path, query
    /// parameter names (never values) and the client address. For checking a proxy setup by hand.
    /// </summary>
    private static IResult SelfTest(HttpContext context)
    {
        var request = context.Request;
        var names = string.Join(',', request.Query.Keys.Order(StringComparer.Ordinal));
        return Results.Text(
            $"scheme={request.Scheme}\nhost={request.Host}\npathbase={request.PathBase}\npath={request.Path}\nquery={names}\nclient={context.Connection.RemoteIpAddress}\n");
    }

    private static IResult Ready(AccountDirectory accounts, LiveRuleSets rules, IServiceProvider services)
    {
        var missing = accounts.All.Where(a => a.RulesFile is not null && rules.Get(a.Name).Version == 0).Select(a => a.Name).ToList();
        if (missing.Count > 0)
        {
            return Results.Text($"not ready: no rules loaded for {string.Join(", ", missing)}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        // Degraded, not unready: an instance without Redis still answers with the rules it has, so it
        // must stay in rotation; the body says what is wrong for whoever looks.
        if (services.GetService<IConnectionMultiplexer>() is { IsConnected: false })
        {
            return Results.Text("degraded: Redis unreachable; answering with the last loaded rules");
        }

        return Results.Text("ready");
    }
}
