namespace BrandBot.IntegrationTests.Webhook;

public class VerificationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Get_OfficialVectorS1_EchoesEchostrByteExactWithLength()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["BrandBot:Accounts:0:Name"] = "official",
            ["BrandBot:Accounts:0:Token"] = "AAAAA",
        });

        using var response = await server.Client.GetAsync("/wechat/official?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&timestamp=1714036504&nonce=1514711492&echostr=4375120948345356249");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("4375120948345356249", await response.Content.ReadAsStringAsync());
        Assert.Equal(19, response.Content.Headers.ContentLength);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task Get_BadSignature_Is401()
    {
        using var response = await Client.GetAsync("/wechat/acme?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&timestamp=1714036504&nonce=1514711492&echostr=1");
        Assert.Equal(401, (int)response.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownAccount_Is404()
    {
        using var response = await Client.GetAsync("/wechat/nobody?signature=x&timestamp=1&nonce=1&echostr=1");
        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Get_MissingEchostr_Is400()
    {
        var signature = Protocol.Crypto.Signature.Compute(TestAccounts.Token, "1", "2");
        using var response = await Client.GetAsync($"/wechat/acme?signature={signature}&timestamp=1&nonce=2");
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task Get_AccountNameIsCaseInsensitive()
    {
        var signature = Protocol.Crypto.Signature.Compute(TestAccounts.Token, "1", "2");
        using var response = await Client.GetAsync($"/wechat/ACME?signature={signature}&timestamp=1&nonce=2&echostr=abc");
        Assert.Equal("abc", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthAndReadiness_AreServed()
    {
        Assert.Equal("ok", await Client.GetStringAsync("/healthz"));
        Assert.Equal("ready", await Client.GetStringAsync("/readyz"));
    }
}
