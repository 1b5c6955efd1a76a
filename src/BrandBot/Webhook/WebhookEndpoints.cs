using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.Webhook;

/// <summary>
/// <c>GET|POST /wechat/{account}</c>. Handlers read the raw body with a cap, never model-bind, and
/// always write an explicit status, content type and Content-Length (docs/protocol.md §1.3).
/// </summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhook(this IEndpointRouteBuilder app)
    {
        // Plain request delegates over services resolved once (on the first request, when the host has
        // started): a delegate with service parameters resolves each of them from a request scope on
        // every push, which is work the push path need not do.
        var services = app.ServiceProvider;
        var handler = new Lazy<WebhookHandler>(() => ActivatorUtilities.CreateInstance<WebhookHandler>(services));
        var hook = app.MapGroup("/wechat/{account}");
        hook.MapGet("", context => handler.Value.VerifyUrlAsync(AccountOf(context), context));
        hook.MapPost("", context => handler.Value.ReceivePushAsync(AccountOf(context), context));
        return app;
    }

    private static string AccountOf(HttpContext context) => context.Request.RouteValues["account"] as string ?? "";
}
