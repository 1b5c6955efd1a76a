using System.Globalization;
using System.Text;
using System.Text.Json;
using BrandBot.Load;
using BrandBot.Protocol.Simulation;

// The load harness (tests/load/README.md). Core 0 runs the target, core 1 runs wrk (and Redis).
var options = Options.Parse(args);
Directory.CreateDirectory(options.Work);
var results = new List<Row>();
const int TargetCore = 0, LoadCore = 1;
const string OneRedisCall = "floor + one Redis call";
const string Headline = "BrandBot (Redis: dedup, stats)";
const string ColdHeadline = "BrandBot (Redis), 3 s after /readyz";
Footprint? pushBytes = null;

Console.WriteLine($"corpus: {options.Corpus:N0} distinct signed pushes per mode; wrk -t1 -c{options.Connections} -d{options.Seconds}s × {options.Repeats} after a {options.Warmup}s warm-up");
var corpora = new Dictionary<(PushMode, int), string>();
string CorpusFor(PushMode mode, int rules) =>
    corpora.TryGetValue((mode, rules), out var path) ? path : corpora[(mode, rules)] = Corpus.Write(options.Work, mode, options.Corpus, rules, seed: 7);

// --cold-only: just the rows 3 s after /readyz (to compare start-up settings, e.g. DOTNET_TieredPGO=0 in the environment).
var coldOnly = args.Contains("--cold-only");

// 1. The floor: a bare Kestrel endpoint answering "success".
if (!coldOnly)
await using (var floor = await Target.StartAsync("floor", TargetCore, "dotnet", $"{options.FloorDll} --urls http://127.0.0.1:{{port}}"))
{
    await Check.SuccessAsync(floor);
    foreach (var mode in new[] { PushMode.Plain, PushMode.Safe })
    {
        results.Add(await LoadAsync(floor, "floor (bare Kestrel)", mode, 0, CorpusFor(mode, options.Rules)));
    }
}

// 1b. The floor plus one awaited Redis script call per request: the ceiling of a design that waits on Redis per push.
if (!coldOnly)
await using (var redis = await Target.StartAsync("redis", LoadCore, "redis-server", "--port {port} --bind 127.0.0.1 --save \"\" --appendonly no"))
await using (var floor = await Target.StartAsync("floor+redis", TargetCore, "dotnet", $"{options.FloorDll} --redis 127.0.0.1:{redis.Port} --urls http://127.0.0.1:{{port}}"))
{
    await Check.SuccessAsync(floor);
    results.Add(await LoadAsync(floor, OneRedisCall, PushMode.Safe, 0, CorpusFor(PushMode.Safe, options.Rules)));
}

// 2. BrandBot with Redis (rules, statistics, de-duplication, rate counting), 10,000 rules, then
//    100,000 for memory; then the embedded store (in-process de-duplication) for the cost of Redis.
foreach (var (rules, withRedis) in coldOnly ? [(options.Rules, true)] : new[] { (options.Rules, true), (options.BigRules, true), (options.Rules, false) })
{
    await using var redis = withRedis ? await Target.StartAsync("redis", LoadCore, "redis-server", "--port {port} --bind 127.0.0.1 --save \"\" --appendonly no") : null;
    var settings = await SettingsAsync(rules, redis);
    if (!coldOnly)
    await using (var brandbot = await Target.StartAsync("brandbot", TargetCore, "dotnet", $"{options.BrandBotDll} --settings {settings} --urls http://127.0.0.1:{{port}}"))
    {
        foreach (var mode in rules == options.Rules && withRedis ? new[] { PushMode.Plain, PushMode.Safe } : [PushMode.Safe])
        {
            await Check.ReplyAsync(brandbot, mode);
            var row = await LoadAsync(brandbot, withRedis ? Headline : "BrandBot (embedded: dedup, stats)", mode, rules, CorpusFor(mode, rules));
            results.Add(row with { PeakMb = brandbot.PeakMemoryMb() });
        }
    }

    if (redis is not null && rules == options.Rules)
    {
        if (!coldOnly)
        {
            pushBytes = await RedisFootprint.PerRememberedPushAsync(redis.Port);
            Console.WriteLine(pushBytes.Describe());
        }

        // A fresh process under full load from the moment /readyz says ready; measured from 3 s on.
        // Three processes, each on a fresh Redis (nothing remembered from the rows before).
        var coldRuns = new List<WrkResult>();
        for (var i = 0; i < options.Repeats; i++)
        {
            await using var freshRedis = await Target.StartAsync("redis", LoadCore, "redis-server", "--port {port} --bind 127.0.0.1 --save \"\" --appendonly no");
            var coldSettings = await SettingsAsync(rules, freshRedis);
            await using var cold = await Target.StartAsync("brandbot-cold", TargetCore, "dotnet", $"{options.BrandBotDll} --settings {coldSettings} --urls http://127.0.0.1:{{port}}");
            await cold.WaitReadyAsync();
            var first = await Wrk.RunAsync(LoadCore, cold.Port, CorpusFor(PushMode.Safe, rules), options.Script, options.Connections, 3, start: 0);
            var run = await Wrk.RunAsync(LoadCore, cold.Port, CorpusFor(PushMode.Safe, rules), options.Script, options.Connections, options.Seconds, start: first.Requests);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cold {i + 1}: first 3 s {first.RequestsPerSecond:N0} req/s, then {run.RequestsPerSecond:N0} req/s, p99 {run.P99Ms:F2} ms, errors {first.Errors + run.Errors}"));
            coldRuns.Add(run with { Errors = first.Errors + run.Errors });
        }

        results.Add(RowOf(ColdHeadline, PushMode.Safe, rules, coldRuns));
    }

    // --baseline DLL: another build (e.g. main before a change) in the headline configuration, in the
    // same run, so a change is judged against figures measured under the same noise.
    if (options.BaselineDll is { } baselineDll && rules == options.Rules && withRedis)
    {
        await using var baseline = await Target.StartAsync("baseline", TargetCore, "dotnet", $"{baselineDll} --settings {settings} --urls http://127.0.0.1:{{port}}");
        await Check.ReplyAsync(baseline, PushMode.Safe);
        var row = await LoadAsync(baseline, "baseline build (Redis: dedup, stats)", PushMode.Safe, rules, CorpusFor(PushMode.Safe, rules));
        results.Add(row with { PeakMb = baseline.PeakMemoryMb() });
    }
}

// 3. The peer: node-webot with one keyword rule.
if (options.PeerModules is { } modules && !coldOnly)
{
    var environment = new Dictionary<string, string>
    {
        ["NODE_PATH"] = modules,
        ["WECHAT_TOKEN"] = Corpus.Token,
        ["WECHAT_APPID"] = Corpus.AppId,
        ["WECHAT_AES_KEY"] = Corpus.Key,
    };
    await using var peer = await Target.StartAsync("node-webot", TargetCore, "node", options.PeerScript, environment);
    foreach (var mode in new[] { PushMode.Plain, PushMode.Safe })
    {
        await Check.ReplyAsync(peer, mode);
        results.Add(await LoadAsync(peer, "node-webot (wechat@2)", mode, 1, CorpusFor(mode, options.Rules)));
    }
}

var table = Report.Table(results, options) + Environment.NewLine + (pushBytes?.Describe() ?? "") + Environment.NewLine + Environment.NewLine + Targets.Check(results);
Console.WriteLine();
Console.WriteLine(table);
await File.WriteAllTextAsync(Path.Combine(options.Work, "results.md"), table);
return results.Any(r => r.Errors > 0) ? 1 : 0;

async Task<Row> LoadAsync(Target target, string name, PushMode mode, int rules, string corpus)
{
    Console.WriteLine($"loading {name}, {mode.ToString().ToLowerInvariant()} mode, {rules} rules …");
    // Warm-up, not recorded: the JIT's tiered and profile-guided compilation settles first. On one
    // saturated core that takes longer than one would think (consecutive 8 s runs of one process
    // went 7.0k -> 8.8k -> 14.8k req/s), hence 30 s by default.
    var warmup = await Wrk.RunAsync(LoadCore, target.Port, corpus, options.Script, options.Connections, options.Warmup, start: 0);
    // Each measurement continues where the last run stopped: every push it sends is a first
    // attempt, not a retry BrandBot would answer from its de-duplication store. Runs of one build
    // on this kind of machine differ by ±15%, so a row is the median of several.
    var sent = warmup.Requests;
    var runs = new List<WrkResult>();
    for (var i = 0; i < options.Repeats; i++)
    {
        var run = await Wrk.RunAsync(LoadCore, target.Port, corpus, options.Script, options.Connections, options.Seconds, start: sent);
        sent += run.Requests;
        runs.Add(run);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {i + 1}: {run.RequestsPerSecond:N0} req/s, p50 {run.P50Ms:F2} ms, p99 {run.P99Ms:F2} ms, errors {run.Errors}"));
    }

    if (sent > options.Corpus)
    {
        Console.WriteLine($"  note: {sent - options.Corpus:N0} requests wrapped around the corpus (raise --corpus)");
    }

    return RowOf(name, mode, rules, runs);
}

static Row RowOf(string name, PushMode mode, int rules, List<WrkResult> runs) => new(
    name, mode, rules,
    Median(runs.Select(r => r.RequestsPerSecond)), runs.Min(r => r.RequestsPerSecond), runs.Max(r => r.RequestsPerSecond),
    Median(runs.Select(r => r.P50Ms)), Median(runs.Select(r => r.P99Ms)),
    runs.Sum(r => r.Errors), runs.Sum(r => r.Requests), null);

async Task<string> SettingsAsync(int rules, Target? redis)
{
    var settings = Path.Combine(options.Work, $"settings-{rules}-{(redis is null ? "embedded" : "redis-" + redis.Port)}.json");
    await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new
    {
        Logging = new { LogLevel = new { Default = "Warning" } },
        BrandBot = new
        {
            Redis = redis is null ? "" : $"127.0.0.1:{redis.Port}",
            // The corpus is signed once, before every target runs, so its timestamps age past any
            // window; and with the window on, every push's record lives until its signature expires
            // (rate × window records), which would measure memory for a window no deployment has.
            // Off: records live DedupSeconds, as the retry guarantee needs.
            ReplayWindowSeconds = 0,
            // Counted on every push (the limit's cost is part of the figure) but never reached.
            RateLimit = new { PerFollower = 1_000_000 },
            Accounts = new[] { new { Name = "demo", AppId = Corpus.AppId, Token = Corpus.Token, EncodingAESKey = Corpus.Key, RulesFile = Corpus.WriteRules(options.Work, rules) } },
        },
    }));
    return settings;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

/// <summary>One target and mode: medians of the measured runs, with the slowest and fastest run's req/s.</summary>
internal sealed record Row(string Target, PushMode Mode, int Rules, double Rps, double MinRps, double MaxRps, double P50Ms, double P99Ms, long Errors, long Requests, double? PeakMb);

internal sealed record Options(string Work, string BrandBotDll, string? BaselineDll, string FloorDll, string Script, string PeerScript, string? PeerModules, int Seconds, int Warmup, int Repeats, int Connections, int Rules, int BigRules, int Corpus)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var root = Path.GetFullPath(Get("root", "."));
        var peer = Get("peer-modules", "");
        return new Options(
            Path.GetFullPath(Get("work", Path.Combine(Path.GetTempPath(), "brandbot-load"))),
            Path.Combine(root, "src/BrandBot/bin/Release/net10.0/BrandBot.dll"),
            Get("baseline", "") is { Length: > 0 } baseline ? Path.GetFullPath(baseline) : null,
            Path.Combine(root, "tests/load/Floor/bin/Release/net10.0/Floor.dll"),
            Path.Combine(root, "tests/load/corpus.lua"),
            Path.Combine(root, "tests/load/peer/peer.js"),
            peer.Length == 0 ? null : peer,
            Int("seconds", 15),
            Int("warmup", 30),
            Math.Max(1, Int("repeats", 3)),
            Int("connections", 64),
            Int("rules", 10_000),
            Int("big-rules", 100_000),
            Int("corpus", 1_500_000));
    }
}

internal static class Check
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task SuccessAsync(Target target)
    {
        var (query, body) = Corpus.Probe(PushMode.Plain);
        var text = await PostAsync(target, query, body);
        if (text != "success")
        {
            throw new InvalidOperationException($"{target.Name} answered '{text}' instead of success");
        }
    }

    /// <summary>The target must answer the probe with the hours text (decrypting and verifying in safe mode) before it is loaded.</summary>
    public static async Task ReplyAsync(Target target, PushMode mode)
    {
        var (query, body) = Corpus.Probe(mode);
        var raw = await PostAsync(target, query, body);
        var reply = SignedPush.DecodeReply(Corpus.Token, Corpus.AppId, Corpus.Key, null, Encoding.UTF8.GetBytes(raw));
        if (!reply.Contains(Corpus.Hours, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{target.Name} ({mode}) did not answer correctly: {reply}");
        }
    }

    private static async Task<string> PostAsync(Target target, string query, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        using var response = await Http.PostAsync($"http://127.0.0.1:{target.Port}/wechat/demo?{query}", content);
        return await response.Content.ReadAsStringAsync();
    }
}

internal static class Report
{
    public static string Table(List<Row> rows, Options options)
    {
        var text = new StringBuilder();
        text.AppendLine($"machine: {Environment.ProcessorCount} cores, {Cpu()}; .NET {Environment.Version}; target on core 0, wrk (-t1 -c{options.Connections} -d{options.Seconds}s, median of {options.Repeats} runs after a {options.Warmup}s warm-up) and Redis on core 1");
        text.AppendLine();
        text.AppendLine("| target | mode | rules | req/s | runs' range | p50 ms | p99 ms | errors | vs floor | vs peer | peak MB |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var floor = rows.FirstOrDefault(r => r.Target.StartsWith("floor", StringComparison.Ordinal) && r.Mode == row.Mode);
            var peer = rows.FirstOrDefault(r => r.Target.StartsWith("node", StringComparison.Ordinal) && r.Mode == row.Mode);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Target} | {row.Mode.ToString().ToLowerInvariant()} | {row.Rules:N0} | {row.Rps:N0} | {row.MinRps:N0}–{row.MaxRps:N0} | {row.P50Ms:F2} | {row.P99Ms:F2} | {row.Errors} | {Ratio(row.Rps, floor?.Rps)} | {Ratio(row.Rps, peer?.Rps)} | {(row.PeakMb is { } mb ? mb.ToString("F0", CultureInfo.InvariantCulture) : "")} |"));
        }

        return text.ToString();
    }

    private static string Ratio(double value, double? reference) =>
        reference is > 0 ? (value / reference.Value).ToString("F2", CultureInfo.InvariantCulture) + "×" : "";

    private static string Cpu() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
}
