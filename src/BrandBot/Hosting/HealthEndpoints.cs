using BrandBot.Rules.Store;
using BrandBot.Webhook;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BrandBot.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is alive. <c>/readyz</c>: every account that has a rules file is answering
/// with a loaded version. Mapped in every environment (STYLE.md §5).
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", static () => Results.Text("ok"));
        app.MapGet("/readyz", Ready);
        return app;
    }

    private static IResult Ready(AccountDirectory accounts, LiveRuleSets rules)
    {
        var missing = accounts.All.Where(a => a.RulesFile is not null && rules.Get(a.Name).Version == 0).Select(a => a.Name).ToList();
        return missing.Count == 0
            ? Results.Text("ready")
            : Results.Text($"not ready: no rules loaded for {string.Join(", ", missing)}", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
