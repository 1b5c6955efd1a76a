using BrandBot.Rules.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.Dashboard;

/// <summary>
/// Everything under <c>/admin</c>: the pages, their assets and the JSON API. Fails closed: every route
/// but sign-in and the login page's own assets needs a session; every write needs the editor role,
/// the session's anti-forgery header and a same-origin request, and is not mapped at all in read-only mode.
/// </summary>
public static class DashboardEndpoints
{
    public const string CsrfHeader = "X-CSRF-Token";

    private const string SessionItem = "dashboard.session";

    // No inline script or style anywhere; Chart.js styles its canvas through the CSSOM, which CSP allows.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void MapDashboard(this WebApplication app, DashboardOptions options)
    {
        // Listening from the start, so the Health page's latencies cover pushes before its first visit.
        app.Services.GetRequiredService<HealthWatch>();
        app.Use(CapBodies);
        var admin = app.MapGroup("/admin");
        admin.AddEndpointFilter(SecurityHeaders);
        DashboardPages.Map(admin);

        var open = admin.MapGroup("/api");
        // Reads its own body, after the checks that cost nothing (DashboardSignIn).
        open.MapPost("/login", DashboardSignIn.SignInAsync);

        var api = admin.MapGroup("/api").AddEndpointFilter(RequireSession);
        DashboardApi.Map(api);
        DashboardBroadcasts.MapReads(api);
        DashboardMessages.MapReads(api);
        api.MapPost("/logout", DashboardSignIn.SignOutAsync).AddEndpointFilter(RequireSameOriginAndToken);

        if (!options.ReadOnly)
        {
            var writes = api.MapGroup("").AddEndpointFilter(RequireEditor).AddEndpointFilter(RequireSameOriginAndToken)
                .WithMetadata(new BodyLimit(DashboardOptions.MaxWriteBodyBytes));
            DashboardWrites.Map(writes);
            DashboardBroadcasts.MapWrites(writes);
        }
    }

    /// <summary>The request's session, set by <see cref="RequireSession"/>.</summary>
    public static DashboardSession Session(this HttpContext context) => (DashboardSession)context.Items[SessionItem]!;

    /// <summary>The session for the request's cookie, or null.</summary>
    public static DashboardSession? FindSession(HttpContext context) =>
        context.RequestServices.GetRequiredService<DashboardSessions>().Find(context.Request.Cookies[DashboardSessions.CookieName]);

    /// <summary>An endpoint's body cap, applied by <see cref="CapBodies"/> before the body is bound.</summary>
    private sealed record BodyLimit(long MaxBytes);

    /// <summary>
    /// 413 for a declared body over its endpoint's cap before a byte is read; a chunked one is held to the
    /// cap by Kestrel as it is read. Runs after routing, before binding (endpoint filters run after it).
    /// </summary>
    private static Task CapBodies(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() is { } limit)
        {
            if (context.Request.ContentLength > limit.MaxBytes)
            {
                context.Response.Headers.Connection = "close";
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return context.Response.WriteAsJsonAsync(new { error = $"at most {limit.MaxBytes} bytes; publish larger rules files with brandbot rules publish" });
            }

            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = limit.MaxBytes;
            }
        }

        return next(context);
    }

    public static string Client(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "-";

    public static Task AuditAsync(this HttpContext context, string who, string action, string? account, string detail) =>
        context.RequestServices.GetRequiredService<IOperatorAudit>().AddAsync(
            new OperatorAuditEntry(context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), who, action, account, detail, context.Client()));

    public static IResult Problem(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    private static async ValueTask<object?> SecurityHeaders(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var headers = invocation.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Pages and answers carry live figures and a per-session token: never from a cache.
        headers.CacheControl = "no-store";
        return await next(invocation);
    }

    private static async ValueTask<object?> RequireSession(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        if (FindSession(invocation.HttpContext) is not { } session)
        {
            return Problem(StatusCodes.Status401Unauthorized, "sign in first");
        }

        invocation.HttpContext.Items[SessionItem] = session;
        return await next(invocation);
    }

    private static async ValueTask<object?> RequireEditor(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var session = context.Session();
        if (session.Role != DashboardSessions.Editor)
        {
            await context.AuditAsync(session.Who, "authz_fail", context.Request.Query["account"], $"{context.Request.Method} {context.Request.Path}");
            return Problem(StatusCodes.Status403Forbidden, "this needs the editor role");
        }

        return await next(invocation);
    }

    /// <summary>
    /// Anti-forgery for every write: the session's token in <see cref="CsrfHeader"/> (a header no other
    /// site's form or image can send), an Origin, when the browser sends one, that is this listener, and
    /// a Host the dashboard is configured under (<see cref="IsExpectedHost"/>).
    /// </summary>
    private static async ValueTask<object?> RequireSameOriginAndToken(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var session = context.Session();
        var options = context.RequestServices.GetRequiredService<DashboardOptions>();
        if (!IsExpectedHost(context, options) || !IsSameOrigin(context) || !DashboardSessions.CsrfMatches(session, context.Request.Headers[CsrfHeader].FirstOrDefault()))
        {
            await context.AuditAsync(session.Who, "csrf_fail", context.Request.Query["account"], $"{context.Request.Method} {context.Request.Path}");
            return Problem(StatusCodes.Status403Forbidden, "missing or wrong anti-forgery token; reload the page");
        }

        return await next(invocation);
    }

    /// <summary>True when the request names no Origin, or names this listener's own.</summary>
    public static bool IsSameOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.FirstOrDefault();
        return origin is null || string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// True when the request's Host names the dashboard as configured: a host of
    /// <see cref="DashboardOptions.Urls"/> or <see cref="DashboardOptions.AllowedHosts"/>. Under DNS
    /// rebinding a page on the attacker's name reaches this listener and is same-origin with itself, but
    /// its Host is the attacker's name. A wildcard URL names no host, so there IP literals and
    /// <c>localhost</c> are accepted as well: a rebinding page always comes under a name.
    /// </summary>
    public static bool IsExpectedHost(HttpContext context, DashboardOptions options)
    {
        var host = context.Request.Host.Host.Trim('[', ']');
        if (host.Length == 0)
        {
            return false;
        }

        foreach (var url in options.UrlList)
        {
            if (!DashboardListener.TryParse(url, out var uri))
            {
                continue;
            }

            var configured = uri.Host.Trim('[', ']');
            if (configured is "0.0.0.0" or "::")
            {
                if (System.Net.IPAddress.TryParse(host, out _) || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (string.Equals(host, configured, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return options.AllowedHostList.Any(allowed => string.Equals(host, allowed.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));
    }
}
