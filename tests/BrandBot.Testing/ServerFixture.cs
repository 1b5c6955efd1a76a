using System.Net.Http.Headers;
using System.Text;
using BrandBot.Protocol.Simulation;
using BrandBot.Protocol.Xml;

namespace BrandBot.Testing;

/// <summary>One running server with <see cref="TestAccounts.Rules"/>, shared by a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public string RulesFile { get; private set; } = "";

    public async Task InitializeAsync()
    {
        RulesFile = TestAccounts.WriteRules(TestAccounts.Rules);
        Server = await TestServer.StartAsync(TestAccounts.Settings(RulesFile));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Sends pushes the way WeChat does and decodes what comes back.</summary>
public static class Wire
{
    public static readonly byte[] Prefix = Encoding.ASCII.GetBytes("0123456789abcdef");

    public static async Task<PushResponse> PushAsync(
        HttpClient client, string xml, PushMode mode = PushMode.Plain, string account = "acme",
        string? encodingAesKey = TestAccounts.Key, string nonce = "1514711492", long? timestamp = null)
    {
        var push = SignedPush.Create(TestAccounts.Token, TestAccounts.AppId, encodingAesKey, mode, xml, timestamp ?? TestServer.Now.ToUnixTimeSeconds(), nonce, Prefix);
        return await PostAsync(client, $"/wechat/{account}?{push.Query}", push.Body);
    }

    /// <summary>A safe-mode push signed now (for servers on the real clock, where the replay window applies).</summary>
    public static Task<PushResponse> PushSafeNowAsync(HttpClient client, string xml) =>
        PushAsync(client, xml, PushMode.Safe, timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>A 200 answer's inner XML, decrypted and signature-checked.</summary>
    public static string DecodeSafe(PushResponse response)
    {
        Assert.Equal(200, response.Status);
        return SignedPush.DecodeReply(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, null, response.Body);
    }

    /// <summary>The inner XML with its CreateTime blanked: what a follower sees, whichever attempt answered.</summary>
    public static string WithoutCreateTime(string inner) =>
        System.Text.RegularExpressions.Regex.Replace(inner, "<CreateTime>[0-9]+</CreateTime>", "<CreateTime/>");

    public static async Task<PushResponse> PostAsync(HttpClient client, string url, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml");
        using var response = await client.PostAsync(url, content);
        return new PushResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", await response.Content.ReadAsByteArrayAsync());
    }

    private static long _unique = 4363689963896700987;

    /// <summary>
    /// A fresh MsgId (or event CreateTime) per call: BrandBot answers a repeated push with the first
    /// answer, so tests that mean "a new message" must send a new identity.
    /// </summary>
    public static long Unique() => Interlocked.Increment(ref _unique);

    public static string Text(string content, long? msgId = null, string openId = TestAccounts.OpenId) =>
        SampleMessages.Text(TestAccounts.Gh, openId, 1714112445, content, msgId ?? Unique());

    public static string Message(string msgType, params (string, string)[] fields) =>
        SampleMessages.Build(TestAccounts.Gh, TestAccounts.OpenId, 1714112445, msgType, [.. fields, ("MsgId", Unique().ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    public static string Event(string name, string? key = null) =>
        SampleMessages.Event(TestAccounts.Gh, TestAccounts.OpenId, 1714112445 + (Unique() % 1_000_000), name, key);
}

public sealed record PushResponse(int Status, string ContentType, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The reply XML, decrypted (and its MsgSignature checked) when it is an envelope.</summary>
    public PushFields Reply(string? key = TestAccounts.Key)
    {
        Assert.Equal(200, Status);
        var xml = SignedPush.DecodeReply(TestAccounts.Token, TestAccounts.AppId, key, null, Body);
        return PushXmlReader.Read(Encoding.UTF8.GetBytes(xml));
    }
}
