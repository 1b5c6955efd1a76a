
namespace BrandBot.Dashboard;

/// <summary>Sign-in with a token, sign-out; both audited (authn_login_success, authn_login_fail, authn_logout).</summary>
public static class DashboardSignIn
{
    public sealed record SignInRequest(string? Token);

    public static async Task<IResult> SignInAsync(SignInRequest? request, HttpContext context, DashboardSessions sessions)
    {
        var client = context.Client();
        // A form on another site must not sign a browser in to a session of the attacker's choosing.
        if (!DashboardEndpoints.IsSameOrigin(context))
        {
            await context.AuditAsync("-", "authn_login_fail", null, "cross-origin sign-in refused");
            return DashboardEndpoints.Problem(StatusCodes.Status403Forbidden, "sign in from the dashboard's own page");
        }

        if (!sessions.MayTry(client))
        {
            await context.AuditAsync("-", "authn_login_fail", null, "too many failed sign-ins; refused without checking");
            return DashboardEndpoints.Problem(StatusCodes.Status429TooManyRequests, "too many failed sign-ins; wait a minute");
        }

        if (sessions.RoleOf(request?.Token) is not { } role)
        {
            sessions.Failed(client);
            await context.AuditAsync("-", "authn_login_fail", null, "wrong token");
            return DashboardEndpoints.Problem(StatusCodes.Status401Unauthorized, "that token is not valid");
        }

        var session = sessions.Start(role);
        context.Response.Cookies.Append(DashboardSessions.CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/admin",
            IsEssential = true,
        });
        await context.AuditAsync(role, "authn_login_success", null, "signed in");
        return Results.Json(new { role });
    }

    public static async Task<IResult> SignOutAsync(HttpContext context, DashboardSessions sessions)
    {
        var session = context.Session();
        sessions.End(session.Id);
        context.Response.Cookies.Delete(DashboardSessions.CookieName, new CookieOptions { Path = "/admin", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
        await context.AuditAsync(session.Role, "authn_logout", null, "signed out");
        return Results.Json(new { signedOut = true });
    }
}
