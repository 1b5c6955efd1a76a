using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// Issue 31 items 2 and 6: a session ends after its absolute lifetime however busy; sign-ins and
/// writes under a Host the dashboard is not configured as are refused (DNS rebinding); write bodies are
/// capped; follower texts lose their bidi controls on the way to a page.
/// </summary>
public sealed class SessionAndHostTests
{
    [Fact]
    public async Task ASession_EndsAfterSessionMaxHours_EvenWhenItIsUsedEveryFewMinutes()
    {
        await using var host = await DashboardHost.StartAsync(extra: new Dictionary<string, string?> { ["BrandBot:Dashboard:SessionMaxHours"] = "2" });
        var (client, _) = await host.ApiClientAsync(DashboardHost.ViewerToken);

        // An open page asks every few seconds, so the sliding expiry (30 min) is never reached.
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(2) - TimeSpan.FromMinutes(10); elapsed += TimeSpan.FromMinutes(10))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/api/session")).StatusCode);
            host.Server.Time.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/api/session")).StatusCode);
        host.Server.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/admin/api/session")).StatusCode);
        // Signing in again starts a new one.
        var (again, _) = await host.ApiClientAsync(DashboardHost.ViewerToken);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/admin/api/session")).StatusCode);
    }

    [Fact]
    public async Task SignInAndWrites_UnderAHostTheDashboardIsNotConfiguredAs_AreRefused()
    {
        await using var host = await DashboardHost.StartAsync();
        var rebound = $"rebind.example:{host.DashboardPort}";
        var (client, csrf) = await host.ApiClientAsync();

        // DNS rebinding: the attacker's page is same-origin with itself, so Origin and Host agree — on its name.
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/admin/api/login") { Content = JsonContent.Create(new { token = DashboardHost.EditorToken }) };
        signIn.Headers.Host = rebound;
        signIn.Headers.Add("Origin", $"http://{rebound}");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(signIn)).StatusCode);

        using var write = new HttpRequestMessage(HttpMethod.Post, "/admin/api/rules/validate") { Content = JsonContent.Create(new { account = "acme", yaml = DashboardHost.Rules }) };
        write.Headers.Host = rebound;
        write.Headers.Add(DashboardEndpoints.CsrfHeader, csrf);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(write)).StatusCode);

        // Under its own name both work.
        using var ownWrite = new HttpRequestMessage(HttpMethod.Post, "/admin/api/rules/validate") { Content = JsonContent.Create(new { account = "acme", yaml = DashboardHost.Rules }) };
        ownWrite.Headers.Add(DashboardEndpoints.CsrfHeader, csrf);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(ownWrite)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/admin/api/login", new { token = DashboardHost.EditorToken })).StatusCode);
    }

    [Fact]
    public async Task AWriteBodyOverTheCap_Is413_AndChangesNothing()
    {
        await using var host = await DashboardHost.StartAsync();
        var (client, csrf) = await host.ApiClientAsync();
        var huge = DashboardHost.Rules + "\n# " + new string('x', DashboardOptions.MaxWriteBodyBytes) + "\n";

        using var declared = new HttpRequestMessage(HttpMethod.Post, "/admin/api/rules/publish")
        {
            // A declared length (JsonContent would be sent chunked).
            Content = new StringContent(JsonSerializer.Serialize(new { account = "acme", yaml = huge, baseVersion = 1, message = "too big" }), Encoding.UTF8, "application/json"),
        };
        declared.Headers.Add(DashboardEndpoints.CsrfHeader, csrf);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(declared)).StatusCode);

        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { account = "acme", yaml = huge }));
        using var chunkedBody = new StreamContent(new MemoryStream(json));
        chunkedBody.Headers.ContentType = new("application/json");
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/admin/api/rules/validate") { Content = chunkedBody, Headers = { TransferEncodingChunked = true } };
        chunked.Headers.Add(DashboardEndpoints.CsrfHeader, csrf);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(chunked)).StatusCode);

        var rules = await client.GetFromJsonAsync<JsonElement>("/admin/api/rules?account=acme");
        Assert.Equal(1, rules.GetProperty("live").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task UnansweredTexts_ReachThePageAndTheDraft_WithoutBidiControls()
    {
        await using var host = await DashboardHost.StartAsync();
        await host.TextAsync(host.NewFollower(), "refund\u202Egnp.exe\u2066x\u2069 please");
        var (client, csrf) = await host.ApiClientAsync();

        var unanswered = await client.GetFromJsonAsync<JsonElement>("/admin/api/unanswered?account=acme");
        var text = Assert.Single(unanswered.GetProperty("rows").EnumerateArray()).GetProperty("text").GetString()!;
        Assert.Equal("refundgnp.exex please", text);

        // The page posts back what it shows, but a draft must not trust that: the raw text, bidi controls and all.
        using var draft = new HttpRequestMessage(HttpMethod.Post, "/admin/api/rules/draft") { Content = JsonContent.Create(new { account = "acme", text = "a\u202Db\u202Ac\u2067d\u2068" }) };
        draft.Headers.Add(DashboardEndpoints.CsrfHeader, csrf);
        var yaml = (await (await client.SendAsync(draft)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("yaml").GetString()!;
        Assert.Contains("equal: \"abcd\"", yaml);
        Assert.DoesNotContain(yaml, c => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');
    }
}
