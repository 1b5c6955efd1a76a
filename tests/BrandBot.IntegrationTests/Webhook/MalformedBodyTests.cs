using BrandBot.Protocol.Simulation;

namespace BrandBot.IntegrationTests.Webhook;

/// <summary>
/// Issue 31 item 3: a push whose chunked framing is broken is the sender's fault — a 400 through the
/// throttled refusal log, never a 5xx and never an unhandled exception's stack trace.
/// </summary>
public class MalformedBodyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string> BrokenFraming() => new()
    {
        { "size-not-hex", "zz\r\nhello\r\n0\r\n\r\n" },
        { "size-overflows", "FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n" },
        { "chunk-longer-than-its-size", "5\r\nhello, world\r\n0\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(BrokenFraming))]
    public async Task MalformedChunkedBody_Is400ThroughTheRefusalLog_WithoutAStackTrace(string name, string chunked)
    {
        var server = fixture.Server;
        var request = "POST /wechat/acme?signature=s&timestamp=1&nonce=n HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n" +
            $"Transfer-Encoding: chunked\r\n\r\n{chunked}";

        var answer = await RawHttp.SendAsync(server.Client.BaseAddress!, request);

        Assert.True(answer.Status == 400, $"{name}: {answer.Head}");
        Assert.Contains("malformed request body", answer.Body);
        await TestHelpers.EventuallyAsync(
            () => server.Logs.Lines.Any(l => l.StartsWith("Warning 1001 Rejected POST for account acme: 400 malformed request body", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5));
        // Nothing at Information or above carries an exception: no unhandled-exception line, no stack trace.
        Assert.DoesNotContain(server.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Lines, l => !l.StartsWith("Debug", StringComparison.Ordinal) && !l.StartsWith("Trace", StringComparison.Ordinal) && l.Contains("\n   at ", StringComparison.Ordinal));

        var still = await Wire.PushAsync(server.Client, Wire.Text("hours"), PushMode.Safe);
        Assert.Equal("We open 9:00-21:00", still.Reply()["Content"]);
    }
}
