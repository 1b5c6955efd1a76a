using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BrandBot.IntegrationTests.Outbound;

/// <summary>Bad requests get the documented 4xx as problem details, queue nothing and log no key or OpenID.</summary>
public sealed class BadInputTests : OutboundFixture
{
    [Fact]
    public async Task EachBadRequest_GetsItsProblem_NothingQueued_NothingSecretLogged()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        using var client = ApiClient(port);
        using var wrongKey = ApiClient(port, "not-a-key-of-this-server-at-all");
        using var noKey = new HttpClient { BaseAddress = client.BaseAddress };
        using var plainKey = ApiClient(port, OtherKey);

        await Expect(await PostAsync(client, "/api/v1/acme/messages", Template(), null), 400, "invalid-idempotency-key", "Idempotency-Key");
        await Expect(await PostAsync(client, "/api/v1/acme/messages", Template(), "has space"), 400, "invalid-idempotency-key", "Idempotency-Key");
        await Expect(await PostAsync(client, "/api/v1/acme/messages", "{\"to\":", "k1"), 400, "invalid-json", "body");
        var both = await PostAsync(client, "/api/v1/acme/messages", """{"to":"o9AgO5Kd5ggOC-outbound-0001","text":"a","image":{"mediaId":"M"}}""", "k2");
        await Expect(both, 400, "invalid-request", "text");
        Assert.Contains(both.Body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "image");
        var fields = await PostAsync(client, "/api/v1/acme/messages", """{"to":"bad openid!","template":{"id":"","url":"ftp://x","data":{"k":5}},"colour":"red"}""", "k3");
        await Expect(fields, 400, "invalid-request", "to");
        Assert.Equal(
            ["colour", "template.data.k", "template.id", "template.url", "to"],
            fields.Body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).Order(StringComparer.Ordinal).ToArray());
        await Expect(await PostAsync(client, "/api/v1/nobody/messages", Template(), "k4"), 403, "forbidden", null);
        await Expect(await PostAsync(plainKey, "/api/v1/acme/messages", Template(), "k5"), 403, "forbidden", null);
        await Expect(await PostAsync(wrongKey, "/api/v1/acme/messages", Template(), "k6"), 401, "unauthorized", null);
        await Expect(await PostAsync(noKey, "/api/v1/acme/messages", Template(), "k7"), 401, "unauthorized", null);
        var big = "{\"to\":\"" + Follower + "\",\"text\":\"" + new string('x', 1024 * 1024) + "\"}";
        await Expect(await PostAsync(client, "/api/v1/acme/messages", big, "k8"), 413, "too-large", "body");

        // A key for every account meets an unknown account with 404.
        var settings = ApiSettings(Ports.Free());
        settings["BrandBot:Api:Keys:0:Accounts:0"] = "*";
        var port2 = new Uri(settings["BrandBot:Api:Urls"]!).Port;
        await using var star = await TestServer.StartAsync(settings, realClock: true);
        using var starClient = ApiClient(port2);
        await Expect(await PostAsync(starClient, "/api/v1/nobody/messages", Template(), "k9"), 404, "unknown-account", null);

        Assert.Empty(await StoreOf(server).ListAsync("acme", null, 100));
        Assert.Empty(await StoreOf(star).ListAsync("acme", null, 100));
        Assert.Equal(0, Api.Messages.TemplateCalls);
        foreach (var line in server.Logs.Lines.Concat(star.Logs.Lines))
        {
            Assert.DoesNotContain(Key, line, StringComparison.Ordinal);
            Assert.DoesNotContain(OtherKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain("not-a-key-of-this-server", line, StringComparison.Ordinal);
            Assert.DoesNotContain(Follower, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Batch_OneBadItemRefusesOnlyItself_AndStatusMasksTheOpenId()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port), realClock: true);
        using var client = ApiClient(port);
        var items = """
            {"messages":[
              {"idempotencyKey":"b-1","to":"FOLLOWER","template":{"id":"TPL-01","data":{"k":"v"}}},
              {"to":"FOLLOWER","template":{"id":"TPL-01","data":{"k":"v"}}},
              {"idempotencyKey":"b-3","to":"FOLLOWER","text":"outside the window"},
              {"idempotencyKey":"b-1","to":"FOLLOWER","template":{"id":"TPL-02","data":{"k":"v"}}},
              {"idempotencyKey":"b-5","to":"FOLLOWER","template":{"id":"NOT-A-TEMPLATE","data":{"k":"v"}}}
            ]}
            """.Replace("FOLLOWER", Follower, StringComparison.Ordinal);

        var answer = await PostAsync(client, "/api/v1/acme/messages/batch", items, null);

        Assert.Equal(207, answer.Status);
        Assert.Equal([202, 400, 422, 409, 202], answer.Body.EnumerateArray().Select(r => r.GetProperty("status").GetInt32()).ToArray());
        Assert.Equal("messages[1].idempotencyKey", answer.Body[1].GetProperty("problem").GetProperty("errors")[0].GetProperty("field").GetString());
        var unknownTemplate = answer.Body[4].GetProperty("id").GetString()!;
        Assert.Equal("failed", await WaitForStatusAsync(client, unknownTemplate, "failed", "sent"));
        var state = await GetAsync(client, "acme", unknownTemplate);
        Assert.Equal(40037, state.GetProperty("wechat").GetProperty("errcode").GetInt32());
        Assert.Contains("unknown template", state.GetProperty("error").GetString());
        Assert.Equal("o9Ag…01", state.GetProperty("to").GetString());

        using var openapi = await client.GetAsync("/api/v1/openapi.json");
        var document = JsonDocument.Parse(await openapi.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/{account}/messages/batch", out _));
        Assert.Equal(404, (int)(await server.Client.GetAsync("/api/v1/openapi.json")).StatusCode); // not on the webhook's port
    }

    private static Task Expect((int Status, JsonElement Body, HttpResponseMessage Response) answer, int status, string type, string? field)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("urn:brandbot:problem:" + type, answer.Body.GetProperty("type").GetString());
        Assert.Equal(status, answer.Body.GetProperty("status").GetInt32());
        if (field is not null)
        {
            Assert.Contains(answer.Body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task ABrokenChunkedBody_Is400_NotAServerError()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(ApiSettings(port, redis: false), realClock: true);
        var request = "POST /api/v1/acme/messages HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Key
            + "\r\nIdempotency-Key: broken-1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";

        var answer = await RawHttp.SendAsync(new Uri($"http://127.0.0.1:{port}"), request);

        Assert.Equal(400, answer.Status);
        Assert.Empty(await StoreOf(server).ListAsync("acme", null, 100));
    }
}
