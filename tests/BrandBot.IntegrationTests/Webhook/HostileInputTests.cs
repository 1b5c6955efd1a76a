using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using BrandBot.Protocol.Crypto;
using BrandBot.Protocol.Simulation;

namespace BrandBot.IntegrationTests.Webhook;

/// <summary>Hostile and broken pushes: each gets a quick 4xx, nothing is processed, and the server keeps serving.</summary>
public class HostileInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    // Not a performance figure: WeChat's deadline is 5 s, and a refusal must never come near it.
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(3);

    private HttpClient Client => fixture.Server.Client;

    public static TheoryData<string, string> HostileBodies() => new()
    {
        { "xxe", "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>" },
        { "billion-laughs", "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><xml><Content>&lol3;</Content></xml>" },
        { "external-dtd", "<!DOCTYPE xml SYSTEM \"http://127.0.0.1:9/evil.dtd\"><xml/>" },
        { "malformed", "<xml><ToUserName>gh</ToUserName><Content>unclosed</xml>" },
        { "not-xml", "hello" },
        { "empty", "" },
        { "deep", "<xml>" + string.Concat(Enumerable.Repeat("<a>", 100)) + string.Concat(Enumerable.Repeat("</a>", 100)) + "</xml>" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task HostilePlainBody_Is400AndServerStillServes(string name, string body)
    {
        var watch = Stopwatch.StartNew();
        var push = SignedPush.Create(TestAccounts.Token, null, null, PushMode.Plain, "<xml/>", TestServer.Now.ToUnixTimeSeconds(), "2", Wire.Prefix);
        var response = await Wire.PostAsync(Client, $"/wechat/acme?{push.Query}", Encoding.UTF8.GetBytes(body));

        Assert.True(response.Status == 400, $"{name}: got {response.Status}");
        Assert.True(watch.Elapsed < Quick, $"{name} took {watch.Elapsed}");
        Assert.DoesNotContain("root:", response.Text);
        await AssertStillServingAsync();
    }

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task HostileXmlInsideTheEnvelope_Is400(string name, string inner)
    {
        var key = AesKey.Decode(TestAccounts.Key);
        var encrypt = Envelope.Seal(key, Wire.Prefix, Encoding.UTF8.GetBytes(inner), TestAccounts.AppId);
        var response = await PostEncryptedAsync(encrypt);
        Assert.True(response.Status == 400, $"{name}: got {response.Status}");
    }

    [Fact]
    public async Task TenMegabyteBody_DeclaredLength_Is413WithoutReadingIt()
    {
        var watch = Stopwatch.StartNew();
        var push = SignedPush.Create(TestAccounts.Token, null, null, PushMode.Plain, "<xml/>", TestServer.Now.ToUnixTimeSeconds(), "2", Wire.Prefix);
        // Announce 10 MB but send only the first kilobyte: the answer must come anyway.
        var head = $"POST /wechat/acme?{push.Query} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: {10 * 1024 * 1024}\r\n\r\n";
        var status = await RawRequestAsync(Encoding.ASCII.GetBytes(head), new byte[1024]);

        Assert.Equal(413, status);
        Assert.True(watch.Elapsed < Quick, $"took {watch.Elapsed}");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task OversizedChunkedBody_Is413()
    {
        var push = SignedPush.Create(TestAccounts.Token, null, null, PushMode.Plain, "<xml/>", TestServer.Now.ToUnixTimeSeconds(), "2", Wire.Prefix);
        var head = $"POST /wechat/acme?{push.Query} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n";
        var chunk = new StringBuilder();
        for (var i = 0; i < 40; i++)
        {
            chunk.Append("2000\r\n").Append('x', 0x2000).Append("\r\n"); // 40 × 8 KB = 320 KB > 256 KB cap
        }

        var status = await RawRequestAsync(Encoding.ASCII.GetBytes(head), Encoding.ASCII.GetBytes(chunk.ToString()));
        Assert.Equal(413, status);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task WrongSignature_Is401AndNotProcessed()
    {
        var now = TestServer.Now.ToUnixTimeSeconds();
        var push = SignedPush.Create(TestAccounts.Token, null, null, PushMode.Plain, Wire.Text("hours"), now, "2", Wire.Prefix);
        var response = await Wire.PostAsync(Client, "/wechat/acme?" + push.Query.Replace($"timestamp={now}", $"timestamp={now + 1}"), push.Body);
        Assert.Equal(401, response.Status);
        Assert.DoesNotContain("9:00", response.Text);
    }

    [Fact]
    public async Task MissingSignature_Is401()
    {
        var response = await Wire.PostAsync(Client, "/wechat/acme", Encoding.UTF8.GetBytes(Wire.Text("hours")));
        Assert.Equal(401, response.Status);
    }

    [Fact]
    public async Task WrongMsgSignature_Is401()
    {
        var push = SignedPush.Create(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, PushMode.Safe, Wire.Text("hours"), TestServer.Now.ToUnixTimeSeconds(), "2", Wire.Prefix);
        var query = System.Text.RegularExpressions.Regex.Replace(push.Query, "msg_signature=[0-9a-f]{40}", "msg_signature=" + new string('0', 40));
        Assert.Equal(401, (await Wire.PostAsync(Client, "/wechat/acme?" + query, push.Body)).Status);
    }

    [Fact]
    public async Task BadBase64_Is400()
    {
        Assert.Equal(400, (await PostEncryptedAsync("!!!not*base64!!!")).Status);
    }

    [Fact]
    public async Task BadPadding_Is400()
    {
        var key = AesKey.Decode(TestAccounts.Key);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        var plain = new byte[64];
        plain[^1] = 77; // not a valid pad byte
        var encrypt = Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), System.Security.Cryptography.PaddingMode.None));
        var response = await PostEncryptedAsync(encrypt);
        Assert.Equal(400, response.Status);
        Assert.Contains("-40007", response.Text);
    }

    [Fact]
    public async Task WrongAppId_Is400()
    {
        var encrypt = Envelope.Seal(AesKey.Decode(TestAccounts.Key), Wire.Prefix, Encoding.UTF8.GetBytes(Wire.Text("hours")), "wx0000000000000000");
        var response = await PostEncryptedAsync(encrypt);
        Assert.Equal(400, response.Status);
        Assert.Contains("-40005", response.Text);
    }

    [Fact]
    public async Task EnvelopeWithoutEncrypt_Is400()
    {
        var push = SignedPush.Create(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, PushMode.Safe, Wire.Text("hours"), TestServer.Now.ToUnixTimeSeconds(), "2", Wire.Prefix);
        var response = await Wire.PostAsync(Client, "/wechat/acme?" + push.Query, Encoding.UTF8.GetBytes("<xml><ToUserName>gh</ToUserName></xml>"));
        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task UnknownEncryptType_Is400()
    {
        var push = SignedPush.Create(TestAccounts.Token, null, null, PushMode.Plain, Wire.Text("hours"), TestServer.Now.ToUnixTimeSeconds(), "2", Wire.Prefix);
        Assert.Equal(400, (await Wire.PostAsync(Client, $"/wechat/acme?{push.Query}&encrypt_type=rot13", push.Body)).Status);
    }

    [Fact]
    public async Task UnknownAccount_Is404()
    {
        Assert.Equal(404, (await Wire.PushAsync(Client, Wire.Text("hours"), account: "nobody")).Status);
    }

    [Fact]
    public async Task Rejections_AreLoggedWithTheirReason()
    {
        // A fresh second of the shared server's clock: the refusal log's per-second cap may be spent already.
        fixture.Server.Time.Advance(TimeSpan.FromSeconds(1));
        await BadPadding_Is400();
        Assert.Contains(fixture.Server.Logs.Lines, l => l.Contains(" 1001 ") && l.Contains("400") && l.Contains("-40007"));
    }

    [Fact]
    public async Task StaleTimestamp_IsRefused_WithTheReasonLogged()
    {
        // The class shares one server: a fresh second of its clock, so the refusal log's per-second cap
        // (spent by the other tests' refusals) does not hold this line back.
        fixture.Server.Time.Advance(TimeSpan.FromSeconds(1));
        var now = fixture.Server.Time.GetUtcNow().ToUnixTimeSeconds();
        var stale = await Wire.PushAsync(Client, Wire.Text("hours"), timestamp: now - 601);
        Assert.Equal(403, stale.Status);
        Assert.Contains("replay window", stale.Text);
        Assert.Contains(fixture.Server.Logs.Lines, l => l.Contains(" 1001 ") && l.Contains("403") && l.Contains("replay window"));

        Assert.Equal(403, (await Wire.PushAsync(Client, Wire.Text("hours"), timestamp: now + 601)).Status);
        Assert.Equal(200, (await Wire.PushAsync(Client, Wire.Text("hours"), timestamp: now - 599)).Status);
    }

    private async Task<PushResponse> PostEncryptedAsync(string encrypt)
    {
        const string nonce = "415670741";
        var ts = TestServer.Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Signature.Compute(TestAccounts.Token, ts, nonce);
        var msgSignature = Signature.Compute(TestAccounts.Token, ts, nonce, encrypt);
        var body = Encoding.UTF8.GetBytes($"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
        return await Wire.PostAsync(Client, $"/wechat/acme?signature={signature}&timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={msgSignature}", body);
    }

    private async Task<int> RawRequestAsync(byte[] head, byte[] body)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Client.BaseAddress!.Host, Client.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(head);
        try
        {
            await stream.WriteAsync(body);
        }
        catch (IOException)
        {
            // The server may close as soon as it has answered; what it answered is what counts.
        }

        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var statusLine = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task AssertStillServingAsync()
    {
        var response = await Wire.PushAsync(Client, Wire.Text("hours"), PushMode.Safe);
        Assert.Equal("We open 9:00-21:00", response.Reply()["Content"]);
    }
}
