// The outbound API under load (docs/outbound-messages.md#load). Started by tests/load/outbound.sh, which
// pins this process to core 1; the targets run pinned to core 0. Prints the figures as a table.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using BrandBot.FakeWeChat;
using BrandBot.Protocol.Simulation;
using BrandBot.Testing;
using StackExchange.Redis;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var drainCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
const int Connections = 32;
const string Key = "bench-key-0123456789abcdef-xyz";
var output = AppContext.BaseDirectory;
var brandBotDll = Path.Combine(output, "BrandBot.dll");
var floorDll = Path.GetFullPath(Path.Combine(output, "../../../../Floor/bin/Release/net10.0/Floor.dll"));

await using var redis = await RedisServer.StartAsync();
await using var api = await FakeWeChatApi.StartAsync();
var rules = TestAccounts.WriteRules(TestAccounts.Rules);

// 1. The floor: read the body, one Redis script call, answer — the ceiling of one Redis call per request.
var floorPort = Ports.Free();
double floor;
using (var floorProcess = Pinned("dotnet", $"{floorDll} --urls http://127.0.0.1:{floorPort} --redis {redis.Configuration.Split(',')[0]}"))
{
    await WaitForPortAsync(floorPort);
    floor = await LoadAsync($"http://127.0.0.1:{floorPort}", "/wechat/acme", seconds, authorized: false);
    floorProcess.Kill();
}

// 2. BrandBot: accepted template messages per second. The fake's token call is slowed meanwhile, so the
// sender (the same process) stays almost idle and the figure is the API's.
var apiPort = Ports.Free();
var webhookPort = Ports.Free();
api.TokenDelay = TimeSpan.FromSeconds(3);
var bot = StartBrandBot(apiPort, webhookPort);
await WaitForPortAsync(apiPort);
var accepted = await LoadAsync($"http://127.0.0.1:{apiPort}", "/api/v1/acme/messages", seconds, authorized: true);
bot.Kill();
await bot.WaitForExitAsync();

// 3. Drain: an empty store, drainCount messages queued, then sent against the fake at 500 a second.
await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true"))
{
    await connection.GetServers()[0].FlushAllDatabasesAsync();
}

api.Messages.TemplateMessages.Clear();
api.Messages.TemplatesPerSecond = 500;
bot = StartBrandBot(apiPort, webhookPort);
await WaitForPortAsync(apiPort);
await WaitForPortAsync(webhookPort);
using var http = Client($"http://127.0.0.1:{apiPort}", authorized: true);
var idle = await PushLatencyAsync(webhookPort, 200);
var queue = Stopwatch.StartNew();
await Parallel.ForAsync(0, drainCount, new ParallelOptions { MaxDegreeOfParallelism = Connections }, async (i, _) =>
{
    using var answer = await http.PostAsync("/api/v1/acme/messages", Body(i, "drain"));
    if ((int)answer.StatusCode != 202)
    {
        throw new InvalidOperationException($"message {i} answered {(int)answer.StatusCode}");
    }
});
queue.Stop();
api.TokenDelay = TimeSpan.Zero;
var drain = Stopwatch.StartNew();
var duringDrain = await PushLatencyAsync(webhookPort, 200);
while (api.Messages.TemplateMessages.Count < drainCount && drain.Elapsed < TimeSpan.FromMinutes(10))
{
    await Task.Delay(100);
}

drain.Stop();
await Task.Delay(TimeSpan.FromSeconds(3)); // anything sent twice would show now
var kept = api.Messages.TemplateMessages.ToList();
var distinctClientIds = kept.Select(m => m.Body.GetProperty("client_msg_id").GetString()).Distinct().Count();
var distinctKeywords = kept.Select(m => m.Body.GetProperty("data").GetProperty("n").GetProperty("value").GetString()).Distinct().Count();
long depth;
await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration))
{
    depth = await connection.GetDatabase().SortedSetLengthAsync("brandbot:{acme}:out:age");
}

bot.Kill();

Console.WriteLine($"| measure | value |");
Console.WriteLine($"|---|---:|");
Console.WriteLine($"| floor (Kestrel + one Redis script call), req/s | {floor:F0} |");
Console.WriteLine($"| BrandBot accepted messages (202), /s | {accepted:F0} |");
Console.WriteLine($"| accepted ÷ floor | {accepted / floor:F2} |");
Console.WriteLine($"| {drainCount:N0} messages queued in | {queue.Elapsed.TotalSeconds:F1} s |");
Console.WriteLine($"| drained against the fake at 500/s in | {drain.Elapsed.TotalSeconds:F1} s ({drainCount / drain.Elapsed.TotalSeconds:F0}/s) |");
Console.WriteLine($"| kept by the fake / distinct client_msg_id / distinct messages | {kept.Count} / {distinctClientIds} / {distinctKeywords} |");
Console.WriteLine($"| refused by the fake's rate limit (45011, retried) | {api.Messages.RateRefusals} |");
Console.WriteLine($"| left in the queue | {depth} |");
Console.WriteLine($"| push p50 / p99 idle, ms | {idle.P50:F2} / {idle.P99:F2} |");
Console.WriteLine($"| push p50 / p99 while draining, ms | {duringDrain.P50:F2} / {duringDrain.P99:F2} |");
return kept.Count == drainCount && distinctClientIds == drainCount && distinctKeywords == drainCount && depth == 0 ? 0 : 1;

Process StartBrandBot(int apiPort, int webhookPort)
{
    var settings = new Dictionary<string, string>
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{webhookPort}",
        ["BrandBot__Redis"] = redis.Configuration,
        ["BrandBot__WeChatApiBaseUrl"] = api.BaseUrl,
        ["BrandBot__ReplayWindowSeconds"] = "0",
        ["BrandBot__RateLimit__PerFollower"] = "0",
        ["BrandBot__Accounts__0__Name"] = "acme",
        ["BrandBot__Accounts__0__AppId"] = TestAccounts.AppId,
        ["BrandBot__Accounts__0__Token"] = TestAccounts.Token,
        ["BrandBot__Accounts__0__EncodingAESKey"] = TestAccounts.Key,
        ["BrandBot__Accounts__0__AppSecret"] = "secret",
        ["BrandBot__Accounts__0__RulesFile"] = rules,
        ["BrandBot__Api__Urls"] = $"http://127.0.0.1:{apiPort}",
        ["BrandBot__Api__Keys__0__Name"] = "bench",
        ["BrandBot__Api__Keys__0__Key"] = Key,
        ["BrandBot__Api__Keys__0__Accounts__0"] = "acme",
        // At 500/s and 4 senders, a message may meet 45011 several times in a row; it is never sent twice.
        ["BrandBot__Outbound__MaxAttempts"] = "50",
        ["Logging__LogLevel__Default"] = "Warning",
    };
    return Pinned("dotnet", brandBotDll, settings);
}

static Process Pinned(string file, string arguments, IDictionary<string, string>? environment = null)
{
    var info = new ProcessStartInfo("taskset", $"-c 0 {file} {arguments}") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var (name, value) in environment ?? new Dictionary<string, string>())
    {
        info.Environment[name] = value;
    }

    var process = Process.Start(info)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task WaitForPortAsync(int port)
{
    for (var i = 0; i < 600 && !await Ports.AcceptsAsync(port); i++)
    {
        await Task.Delay(100);
    }
}

static HttpClient Client(string baseUrl, bool authorized)
{
    var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    if (authorized)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    return client;
}

static HttpContent Body(long n, string prefix)
{
    var content = new StringContent(
        "{\"to\":\"o9AgO5Kd5ggOC-bench-" + (n % 1000).ToString("0000", CultureInfo.InvariantCulture) + "\",\"template\":{\"id\":\"TPL-01\",\"data\":{\"n\":\"" + prefix + n.ToString(CultureInfo.InvariantCulture) + "\"}}}",
        Encoding.UTF8, "application/json");
    content.Headers.Add("Idempotency-Key", $"{prefix}-{n}");
    return content;
}

// Requests per second over `seconds` from `Connections` loops (after a 3 s unrecorded warm-up), every body a new key.
static async Task<double> LoadAsync(string baseUrl, string path, int seconds, bool authorized)
{
    using var client = Client(baseUrl, authorized);
    long next = 0, done = 0;
    var counting = false;
    using var stop = new CancellationTokenSource();
    var loops = Enumerable.Range(0, Connections).Select(async _ =>
    {
        while (!stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref next);
            using var answer = await client.PostAsync(path, Body(n, "load"));
            if (answer.IsSuccessStatusCode && Volatile.Read(ref counting))
            {
                Interlocked.Increment(ref done);
            }
        }
    }).ToList();
    await Task.Delay(TimeSpan.FromSeconds(3));
    Volatile.Write(ref counting, true);
    var clock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    var rate = Interlocked.Read(ref done) / clock.Elapsed.TotalSeconds;
    stop.Cancel();
    await Task.WhenAll(loops);
    return rate;
}

// Sequential safe-mode pushes ("hours"), each a new message: p50 and p99 round trip in ms.
static async Task<(double P50, double P99)> PushLatencyAsync(int port, int count)
{
    using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    var times = new List<double>(count);
    for (var i = 0; i < count; i++)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var xml = SampleMessages.Text(TestAccounts.Gh, "o9AgO5Kd5ggOC-push-" + (i % 50), now, "hours", Random.Shared.NextInt64(1, long.MaxValue));
        var push = SignedPush.Create(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, PushMode.Safe, xml, now, i.ToString(CultureInfo.InvariantCulture), Wire.Prefix);
        var clock = Stopwatch.StartNew();
        using var answer = await client.PostAsync($"/wechat/acme?{push.Query}", new ByteArrayContent(push.Body));
        times.Add(clock.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return (times[count / 2], times[(int)(count * 0.99)]);
}
