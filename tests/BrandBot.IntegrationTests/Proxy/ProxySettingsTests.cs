namespace BrandBot.IntegrationTests.Proxy;

/// <summary>Forwarded headers and the path base, in process (the nginx end-to-end test covers them through a proxy).</summary>
public class ProxySettingsTests
{
    [Fact]
    public async Task ForwardedHeaders_FromAnUntrustedAddress_AreIgnored()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:TrustedProxies:0"] = "10.0.0.0/8";
        await using var server = await TestServer.StartAsync(settings);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/selftest");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        var text = await (await server.Client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("scheme=http\n", text);
        Assert.Contains("client=127.0.0.1\n", text);
    }

    [Fact]
    public async Task WithoutTrustedProxies_NoForwardedHeaderIsBelieved()
    {
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/selftest");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        Assert.Contains("client=127.0.0.1\n", await (await server.Client.SendAsync(request)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PathBase_ServesTheWebhookUnderItsPrefix_AndNeverRedirects()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:PathBase"] = "/bot";
        await using var server = await TestServer.StartAsync(settings);
        var push = BrandBot.Protocol.Simulation.SignedPush.Create(TestAccounts.Token, null, null, BrandBot.Protocol.Simulation.PushMode.Plain, Wire.Text("hours"), TestServer.Now.ToUnixTimeSeconds(), "1", Wire.Prefix);

        Assert.Equal("We open 9:00-21:00", (await Wire.PostAsync(server.Client, $"/bot/wechat/acme?{push.Query}", push.Body)).Reply()["Content"]);
        // A trailing slash is not rewritten into a redirect (WeChat would not follow it).
        var slashed = await Wire.PostAsync(server.Client, $"/bot/wechat/acme/?{push.Query}", push.Body);
        Assert.NotInRange(slashed.Status, 300, 399);
    }

    [Theory]
    [InlineData("BrandBot:PathBase", "bot/")]
    [InlineData("BrandBot:TrustedProxies:0", "not-an-address")]
    [InlineData("BrandBot:OtlpEndpoint", "collector:4318")]
    public async Task BadProxySettings_AreNamed(string setting, string value)
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings[setting] = value;
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestServer.StartAsync(settings));
        Assert.Contains(ex.Failures, f => f.StartsWith(setting, StringComparison.Ordinal));
    }
}
