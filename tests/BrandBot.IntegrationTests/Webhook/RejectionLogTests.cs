using BrandBot.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.IntegrationTests.Webhook;

public class RejectionLogTests
{
    [Fact]
    public void Flood_IsCappedPerSecond_AndTheHeldBackCountIsReported()
    {
        var time = new FakeTimeProvider(TestServer.Now);
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture));
        var log = new RejectionLog(time, factory.CreateLogger<RejectionLog>());

        for (var i = 0; i < RejectionLog.PerSecond + 5; i++)
        {
            log.Write("POST", "acme", 401, "invalid signature");
        }

        Assert.Equal(RejectionLog.PerSecond, capture.Lines.Count(l => l.Contains(" 1001 ")));
        time.Advance(TimeSpan.FromSeconds(1));
        log.Write("POST", "acme", 400, "bad XML");

        Assert.Equal(RejectionLog.PerSecond + 1, capture.Lines.Count(l => l.Contains(" 1001 ")));
        Assert.Contains(capture.Lines, l => l.Contains(" 1005 ") && l.Contains("5 more refused requests"));
    }
}
