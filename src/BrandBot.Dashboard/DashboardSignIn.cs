using System.Text.Json;

namespace BrandBot.Dashboard;

/// <summary>
/// Sign-in with a token, sign-out. Sign-ins and sign-outs are audited (authn_login_success,
/// authn_logout); refused sign-ins are summarised apart from the audit (<see cref="SignInRefusals"/>).
/// </summary>
public static class DashboardSignIn
{
    public sealed record SignInRequest(string? Token);

    /// <summary>
    /// Checks what costs nothing first — the Host, the Origin, the client's and the overall allowance —
    /// and only then reads the body, which must fit <see cref="DashboardOptions.MaxSignInBodyBytes"/>;
    /// so a refused or oversized sign-in is never read or hashed. Refusals go to
    /// <see cref="SignInRefusals"/>, never to the operator audit.
    /// </summary>
    public static async Task<IResult> SignInAsync(HttpContext context, DashboardSessions sessions, SignInRefusals refusals, DashboardOptions options)
    {
        var client = ClientKey.Of(context.Connection.RemoteIpAddress);
        IResult Refuse(string reason, int status, string message)
        {
            refusals.Add(client, reason);
            // The body may be unread: end the connection rather than drain it.
            context.Response.Headers.Connection = "close";
            return DashboardEndpoints.Problem(status, message);
        }

        // A page on another name that resolves here (DNS rebinding) is same-origin with itself, not with us.
        if (!DashboardEndpoints.IsExpectedHost(context, options))
        {
            return Refuse(SignInRefusals.UnexpectedHost, StatusCodes.Status403Forbidden, "sign in at the dashboard's own address");
        }

        // A form on another site must not sign a browser in to a session of the attacker's choosing.
        if (!DashboardEndpoints.IsSameOrigin(context))
        {
            return Refuse(SignInRefusals.CrossOrigin, StatusCodes.Status403Forbidden, "sign in from the dashboard's own page");
        }

        if (!sessions.MayTry(client))
        {
            return Refuse(SignInRefusals.TooMany, StatusCodes.Status429TooManyRequests, "too many failed sign-ins; wait a minute");
        }

        var (outcome, body) = await CappedBody.ReadAsync(context.Request, DashboardOptions.MaxSignInBodyBytes, context.RequestAborted);
        if (outcome == CappedBody.Outcome.TooLarge)
        {
            return Refuse(SignInRefusals.TooLarge, StatusCodes.Status413PayloadTooLarge, $"a sign-in is at most {DashboardOptions.MaxSignInBodyBytes} bytes");
        }

        if (outcome == CappedBody.Outcome.Malformed || TokenOf(body) is not { } token)
        {
            return Refuse(SignInRefusals.Malformed, StatusCodes.Status400BadRequest, "send {\"token\": \"…\"} as JSON");
        }

        if (sessions.Identify(token) is not { } identity)
        {
            sessions.Failed(client);
            refusals.Add(client, SignInRefusals.WrongToken);
            return DashboardEndpoints.Problem(StatusCodes.Status401Unauthorized, "that token is not valid");
        }

        var session = sessions.Start(identity);
        context.Response.Cookies.Append(DashboardSessions.CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/admin",
            IsEssential = true,
        });
        await context.AuditAsync(session.Who, "authn_login_success", null, identity.Named ? $"signed in as {identity.Role}" : "signed in");
        return Results.Json(new { role = session.Role, who = session.Who });
    }

    /// <summary>The token of a <c>{"token": "…"}</c> body (an empty string when it has none); null when the body is not such JSON.</summary>
    private static string? TokenOf(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<SignInRequest>(body, JsonSerializerOptions.Web) is { } request ? request.Token ?? "" : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static async Task<IResult> SignOutAsync(HttpContext context, DashboardSessions sessions)
    {
        var session = context.Session();
        sessions.End(session.Id);
        context.Response.Cookies.Delete(DashboardSessions.CookieName, new CookieOptions { Path = "/admin", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
        await context.AuditAsync(session.Who, "authn_logout", null, "signed out");
        return Results.Json(new { signedOut = true });
    }
}
