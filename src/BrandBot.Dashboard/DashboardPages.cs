using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BrandBot.Dashboard;

/// <summary>
/// The pages and their assets, embedded in the executable (nothing to deploy beside it). The login page
/// and the few assets it needs are open; every other page and asset needs a session — static files get
/// no authorization from ASP.NET, so these are endpoints like the API.
/// </summary>
public static class DashboardPages
{
    public static readonly IReadOnlyList<string> Pages = ["overview", "growth", "channels", "keywords", "unanswered", "rules", "health", "audit", "broadcasts", "messages"];

    private static readonly FrozenSet<string> OpenAssets = FrozenSet.Create(StringComparer.Ordinal, "login.js", "dashboard.css", "favicon.svg");

    private static readonly FrozenDictionary<string, (byte[] Body, string ContentType)> Assets = LoadAssets();

    // Every page is the one shell with its name filled in (app.js draws the content): made once, not per request.
    private static readonly FrozenDictionary<string, byte[]> Shells = Pages.ToFrozenDictionary(page => page, page =>
        System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Assets["shell.html"].Body).Replace("{{page}}", page, StringComparison.Ordinal)));

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("", () => Results.Redirect("/admin/overview"));
        admin.MapGet("/login", () => Html("login.html"));
        admin.MapGet("/assets/{name}", (string name, HttpContext context) =>
        {
            if (!Assets.TryGetValue(name, out var asset) || name.EndsWith(".html", StringComparison.Ordinal))
            {
                return Results.NotFound();
            }

            return OpenAssets.Contains(name) || DashboardEndpoints.FindSession(context) is not null
                ? Results.Bytes(asset.Body, asset.ContentType)
                : Results.StatusCode(StatusCodes.Status401Unauthorized);
        });
        admin.MapGet("/{page}", (string page, HttpContext context) =>
        {
            if (!Shells.TryGetValue(page, out var shell))
            {
                return Results.NotFound();
            }

            return DashboardEndpoints.FindSession(context) is null
                ? Results.Redirect("/admin/login")
                : Results.Bytes(shell, "text/html; charset=utf-8");
        });
    }

    private static IResult Html(string name) => Results.Bytes(Assets[name].Body, "text/html; charset=utf-8");

    private static FrozenDictionary<string, (byte[] Body, string ContentType)> LoadAssets()
    {
        const string prefix = "dashboard/";
        var assembly = Assembly.GetExecutingAssembly();
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[prefix.Length..];
            assets[name] = (copy.ToArray(), ContentTypeOf(name));
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".txt" or ".md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}
