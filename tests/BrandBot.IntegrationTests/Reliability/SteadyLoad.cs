using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BrandBot.Protocol.Simulation;

namespace BrandBot.IntegrationTests.Reliability;

/// <summary>What one load run saw, per push, summed.</summary>
public sealed record LoadReport(
    long Requests, long Errors5xx, long Failed, long Late, long Wrong, long Duplicates, long FollowsAnswered,
    double P50Ms, double P99Ms, IReadOnlyList<string> Samples, IReadOnlyList<TimeSpan> DuplicatesSentAt, string FailureKinds)
{
    public override string ToString() =>
        $"{Requests} requests, {Errors5xx} 5xx, {Failed} failed, {Late} late, {Wrong} wrong, {Duplicates} duplicates, p50 {P50Ms:F1} ms, p99 {P99Ms:F1} ms";
}

/// <summary>
/// A steady stream of safe-mode pushes from a second process's point of view (an HttpClient on
/// loopback), like WeChat's: 70% keyword messages, 10% follows, 20% retries of an earlier push.
/// Every answer is checked: status, deadline, content, and a retry must get its first answer's
/// inner XML (a different one is a duplicate: the push was processed twice).
/// </summary>
public sealed class SteadyLoad(string url, Func<string, bool> isRightReply)
{
    /// <summary>Time since the run started, on the clock the load itself uses.</summary>
    public TimeSpan Elapsed => _watch.Elapsed;

    // A fixed pool of connections, like WeChat's front end or wrk -c: the server's open handles then
    // move only within that bound, and the soak can tell growth from noise.

    /// <summary>WeChat gives up after 5 s.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<int, string> _firstAnswers = new();
    private readonly ConcurrentDictionary<int, string> _pushes = new();
    private readonly ConcurrentBag<double> _latencies = [];
    private readonly ConcurrentQueue<string> _samples = new();
    private readonly ConcurrentBag<TimeSpan> _duplicatesSentAt = [];
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Stopwatch _watch = new();
    private long _requests, _errors5xx, _failed, _late, _wrong, _duplicates, _follows;

    public async Task<LoadReport> RunAsync(double perSecond, TimeSpan duration, Func<TimeSpan, Task>? during = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { Timeout = TimeSpan.FromSeconds(15) };
        var watch = _watch;
        watch.Start();
        var inFlight = new List<Task>();
        var sent = 0;
        var faults = during is null ? Task.CompletedTask : during(duration);
        while (watch.Elapsed < duration)
        {
            var due = (int)(watch.Elapsed.TotalSeconds * perSecond);
            while (sent < due)
            {
                inFlight.Add(SendAsync(http, sent++));
            }

            await Task.Delay(5);
        }

        await faults;
        await Task.WhenAll(inFlight);
        var sorted = _latencies.Order().ToArray();
        return new LoadReport(
            _requests, _errors5xx, _failed, _late, _wrong, _duplicates, _follows,
            Percentile(sorted, 0.50), Percentile(sorted, 0.99), [.. _samples.Take(5)], [.. _duplicatesSentAt.Order()],
            string.Join("; ", _failures.Select(f => $"{f.Value}× {f.Key}")));
    }

    private async Task SendAsync(HttpClient http, int index)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var retryOf = index % 10 >= 8 && index >= 20 ? index - 17 : -1;
        var follow = index % 10 == 7;
        var xml = retryOf >= 0 && _pushes.TryGetValue(retryOf, out var earlier)
            ? earlier
            : follow
                ? SampleMessages.Event(TestAccounts.Gh, $"o-new-{index}", now, "subscribe")
                : SampleMessages.Text(TestAccounts.Gh, $"o-steady-{index % 500}", now, "ask", 9_000_000_000_000L + index);
        var original = retryOf >= 0 && _pushes.ContainsKey(retryOf) ? retryOf : index;
        _pushes[index] = xml;

        var push = SignedPush.Create(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, PushMode.Safe, xml, now, index.ToString(CultureInfo.InvariantCulture), Wire.Prefix);
        var sentAt = _watch.Elapsed;
        var watch = Stopwatch.StartNew();
        Interlocked.Increment(ref _requests);
        PushResponse response;
        try
        {
            response = await Wire.PostAsync(http, $"{url}?{push.Query}", push.Body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _failed);
            var reason = ex is TaskCanceledException ? "no answer within 15 s" : (ex.InnerException ?? ex).Message;
            _failures.AddOrUpdate(reason, 1, (_, n) => n + 1);
            Sample($"#{index} sent at {sentAt.TotalSeconds:F1} s: {ex.GetType().Name} {ex.Message} {ex.InnerException?.Message}");
            return;
        }

        var took = watch.Elapsed;
        _latencies.Add(took.TotalMilliseconds);
        if (took > Deadline)
        {
            Interlocked.Increment(ref _late);
        }

        if (response.Status >= 500)
        {
            Interlocked.Increment(ref _errors5xx);
            Sample($"#{index}: {response.Status} {response.Text}");
            return;
        }

        string inner;
        try
        {
            inner = SignedPush.DecodeReply(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, null, response.Body);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _wrong);
            Sample($"#{index}: undecodable answer {ex.Message}");
            return;
        }

        if (response.Status != 200 || !isRightReply(inner) && !(follow && inner.Contains("welcome", StringComparison.Ordinal)))
        {
            Interlocked.Increment(ref _wrong);
            Sample($"#{index}: {response.Status} {inner}");
            return;
        }

        if (follow && original == index)
        {
            Interlocked.Increment(ref _follows);
        }

        // A retry answered afresh carries its own CreateTime (docs/exactly-once.md); what must match is the content.
        var content = Wire.WithoutCreateTime(inner);
        var first = _firstAnswers.GetOrAdd(original, content);
        if (original != index && first != content)
        {
            Interlocked.Increment(ref _duplicates);
            _duplicatesSentAt.Add(sentAt);
            Sample($"#{index} (retry of #{original}) answered differently");
        }
    }

    private void Sample(string line)
    {
        if (_samples.Count < 20)
        {
            _samples.Enqueue(line);
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
