using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// Issue 31 items 1, 2 and 4: refused sign-ins cannot push operator actions out of the audit; the
/// allowance is checked, and the body capped, before a sign-in's body is read; limits hold for a
/// client that rotates its forwarded address or its IPv6 address within a /64.
/// </summary>
public sealed class SignInLimitsTests
{
    [Fact]
    public async Task RefusedSignIns_AreSummarisedApart_AndNeverDisplaceOperatorActionsFromTheAudit()
    {
        await using var host = await DashboardHost.StartAsync();
        var (editor, _) = await host.ApiClientAsync();
        var (stranger, _) = await host.ApiClientAsync(token: null);

        // More than the Audit page shows (500): each was an audit entry of its own before.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 600; i++)
        {
            statuses.Add((await stranger.PostAsJsonAsync("/admin/api/login", new { token = $"guess-{i}" })).StatusCode);
        }

        Assert.Equal(50, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(550, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        var audit = await editor.GetFromJsonAsync<JsonElement>("/admin/api/audit");
        var actions = audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("authn_login_success", actions);
        Assert.DoesNotContain("authn_login_fail", actions);
        var refusal = Assert.Single(audit.GetProperty("refusals").EnumerateArray());
        Assert.Equal("127.0.0.1", refusal.GetProperty("client").GetString());
        Assert.Equal(600, refusal.GetProperty("count").GetInt32());
        Assert.Equal("too many failed sign-ins ×550, wrong token ×50", refusal.GetProperty("reasons").GetString());
        Assert.DoesNotContain("guess-", audit.GetRawText());
    }

    [Fact]
    public async Task AnOversizedSignIn_Is413_BeforeItsBodyIsRead()
    {
        await using var host = await DashboardHost.StartAsync();

        // 30 MB declared, none of it sent: the answer must not wait for it.
        var declared = await RawHttp.SendAsync(new Uri(host.DashboardUrl), SignInHead(host, "Content-Length: 30000000"), TimeSpan.FromSeconds(5));
        Assert.Equal(413, declared.Status);
        Assert.Contains("Connection: close", declared.Head, StringComparison.OrdinalIgnoreCase);

        // Chunked, so no length is declared: refused once the cap is passed.
        var (client, _) = await host.ApiClientAsync(token: null);
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { token = new string('t', 64 * 1024) }));
        using var chunked = new StreamContent(new MemoryStream(json));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/api/login") { Content = chunked, Headers = { TransferEncodingChunked = true } };
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task TheAllowance_IsCheckedBeforeTheBodyIsRead()
    {
        await using var host = await DashboardHost.StartAsync(extra: new Dictionary<string, string?> { ["BrandBot:Dashboard:MaxFailedSignInsPerMinute"] = "2" });
        var (client, _) = await host.ApiClientAsync(token: null);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/admin/api/login", new { token = "wrong-token-0000000" })).StatusCode);
        }

        var answer = await RawHttp.SendAsync(new Uri(host.DashboardUrl), SignInHead(host, "Content-Length: 30000000"), TimeSpan.FromSeconds(5));
        Assert.Equal(429, answer.Status);
    }

    [Fact]
    public async Task AClientRotatingItsForwardedAddress_MeetsTheOverallCeiling()
    {
        await using var host = await DashboardHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["BrandBot:TrustedProxies:0"] = "127.0.0.1",
            ["BrandBot:Dashboard:MaxFailedSignInsPerMinute"] = "3",
            ["BrandBot:Dashboard:MaxFailedSignInsPerMinuteInTotal"] = "10",
        });
        var (client, _) = await host.ApiClientAsync(token: null);

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 12; i++)
        {
            statuses.Add(await SignInFromAsync(client, $"198.51.100.{i}"));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10), statuses.Take(10));
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2), statuses.Skip(10));
        // Even the right token waits for the minute to pass; a new minute lets everyone try again.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync(client, "203.0.113.7", DashboardHost.EditorToken));
        host.Server.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await SignInFromAsync(client, "203.0.113.7", DashboardHost.EditorToken));
    }

    [Fact]
    public async Task IPv6Clients_AreCountedByTheir64()
    {
        await using var host = await DashboardHost.StartAsync(extra: new Dictionary<string, string?>
        {
            ["BrandBot:TrustedProxies:0"] = "127.0.0.1",
            ["BrandBot:Dashboard:MaxFailedSignInsPerMinute"] = "3",
        });
        var (client, _) = await host.ApiClientAsync(token: null);

        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync(client, $"2001:db8:1:2::{i:x}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync(client, "2001:db8:1:2:ffff:ffff:ffff:ffff"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync(client, "2001:db8:1:3::1"));
    }

    private static string SignInHead(DashboardHost host, string length) =>
        $"POST /admin/api/login HTTP/1.1\r\nHost: 127.0.0.1:{host.DashboardPort}\r\nContent-Type: application/json\r\n{length}\r\n\r\n{{\"token\":\"";

    private static async Task<HttpStatusCode> SignInFromAsync(HttpClient client, string forwardedFor, string token = "wrong-token-0000000")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/api/login") { Content = JsonContent.Create(new { token }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await client.SendAsync(request)).StatusCode;
    }
}
