using System.Globalization;
using System.Text;
using System.Text.Json;
using BrandBot.Load;
using BrandBot.Simulation;

// The load harness (tests/load/README.md). Core 0 runs the target, core 1 runs wrk (and Redis).
var options = Options.Parse(args);
Directory.CreateDirectory(options.Work);
var results = new List<Row>();
const int TargetCore = 0, LoadCore = 1;

Console.WriteLine($"corpus: {options.Corpus:N0} distinct signed pushes per mode; wrk -t1 -c{options.Connections} -d{options.Seconds}s after a {options.Warmup}s warm-up");
var corpora = new Dictionary<(PushMode, int), string>();
string CorpusFor(PushMode mode, int rules) =>
    corpora.TryGetValue((mode, rules), out var path) ? path : corpora[(mode, rules)] = Corpus.Write(options.Work, mode, options.Corpus, rules, seed: 7);

// 1. The floor: a bare Kestrel endpoint answering "success".
await using (var floor = await Target.StartAsync("floor", TargetCore, "dotnet", $"{options.FloorDll} --urls http://127.0.0.1:{{port}}"))
{
    await Check.SuccessAsync(floor);
    foreach (var mode in new[] { PushMode.Plain, PushMode.Safe })
    {
        results.Add(await LoadAsync(floor, "floor (bare Kestrel)", mode, 0, CorpusFor(mode, options.Rules)));
    }
}

// 2. BrandBot with Redis (rules, statistics, de-duplication, rate counting), 10,000 rules, then
//    100,000 for memory; then the embedded store (in-process de-duplication) for the cost of Redis.
foreach (var (rules, withRedis) in new[] { (options.Rules, true), (options.BigRules, true), (options.Rules, false) })
{
    await using var redis = withRedis ? await Target.StartAsync("redis", LoadCore, "redis-server", "--port {port} --bind 127.0.0.1 --save \"\" --appendonly no") : null;
    var settings = Path.Combine(options.Work, $"settings-{rules}-{(withRedis ? "redis" : "embedded")}.json");
    await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new
    {
        Logging = new { LogLevel = new { Default = "Warning" } },
        BrandBot = new
        {
            Redis = redis is null ? "" : $"127.0.0.1:{redis.Port}",
            // The corpus is signed once, before every target runs: keep it inside the replay window.
            ReplayWindowSeconds = 3600,
            // Counted on every push (the limit's cost is part of the figure) but never reached.
            RateLimit = new { PerFollower = 1_000_000 },
            Accounts = new[] { new { Name = "demo", AppId = Corpus.AppId, Token = Corpus.Token, EncodingAESKey = Corpus.Key, RulesFile = Corpus.WriteRules(options.Work, rules) } },
        },
    }));
    await using var brandbot = await Target.StartAsync("brandbot", TargetCore, "dotnet", $"{options.BrandBotDll} --settings {settings} --urls http://127.0.0.1:{{port}}");
    foreach (var mode in rules == options.Rules && withRedis ? new[] { PushMode.Plain, PushMode.Safe } : [PushMode.Safe])
    {
        await Check.ReplyAsync(brandbot, mode);
        var row = await LoadAsync(brandbot, withRedis ? "BrandBot (Redis: dedup, stats)" : "BrandBot (embedded: dedup, stats)", mode, rules, CorpusFor(mode, rules));
        results.Add(row with { PeakMb = brandbot.PeakMemoryMb() });
    }
}

// 3. The peer: node-webot with one keyword rule.
if (options.PeerModules is { } modules)
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

var table = Report.Table(results, options);
Console.WriteLine();
Console.WriteLine(table);
await File.WriteAllTextAsync(Path.Combine(options.Work, "results.md"), table);
return results.Any(r => r.Errors > 0) ? 1 : 0;

async Task<Row> LoadAsync(Target target, string name, PushMode mode, int rules, string corpus)
{
    Console.WriteLine($"loading {name}, {mode.ToString().ToLowerInvariant()} mode, {rules} rules …");
    // Warm-up, not recorded: the JIT's tiered and profile-guided compilation settles first.
    var warmup = await Wrk.RunAsync(LoadCore, target.Port, corpus, options.Script, options.Connections, options.Warmup, start: 0);
    // The measurement continues where the warm-up stopped: every push it sends is a first attempt,
    // not a retry BrandBot would answer from its de-duplication store.
    var wrk = await Wrk.RunAsync(LoadCore, target.Port, corpus, options.Script, options.Connections, options.Seconds, start: warmup.Requests);
    if (warmup.Requests + wrk.Requests > options.Corpus)
    {
        Console.WriteLine($"  note: {warmup.Requests + wrk.Requests - options.Corpus:N0} requests wrapped around the corpus (raise --corpus)");
    }

    return new Row(name, mode, rules, wrk.RequestsPerSecond, wrk.P50Ms, wrk.P99Ms, wrk.Errors, wrk.Requests, null);
}

internal sealed record Row(string Target, PushMode Mode, int Rules, double Rps, double P50Ms, double P99Ms, long Errors, long Requests, double? PeakMb);

internal sealed record Options(string Work, string BrandBotDll, string FloorDll, string Script, string PeerScript, string? PeerModules, int Seconds, int Warmup, int Connections, int Rules, int BigRules, int Corpus)
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
            Path.Combine(root, "tests/load/Floor/bin/Release/net10.0/Floor.dll"),
            Path.Combine(root, "tests/load/corpus.lua"),
            Path.Combine(root, "tests/load/peer/peer.js"),
            peer.Length == 0 ? null : peer,
            Int("seconds", 15),
            Int("warmup", 10),
            Int("connections", 64),
            Int("rules", 10_000),
            Int("big-rules", 100_000),
            Int("corpus", 800_000));
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
        text.AppendLine($"machine: {Environment.ProcessorCount} cores, {Cpu()}; .NET {Environment.Version}; target on core 0, wrk (-t1 -c{options.Connections} -d{options.Seconds}s, after {options.Warmup}s warm-up) and Redis on core 1");
        text.AppendLine();
        text.AppendLine("| target | mode | rules | req/s | p50 ms | p99 ms | errors | vs floor | vs peer | peak MB |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var floor = rows.FirstOrDefault(r => r.Target.StartsWith("floor", StringComparison.Ordinal) && r.Mode == row.Mode);
            var peer = rows.FirstOrDefault(r => r.Target.StartsWith("node", StringComparison.Ordinal) && r.Mode == row.Mode);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Target} | {row.Mode.ToString().ToLowerInvariant()} | {row.Rules:N0} | {row.Rps:N0} | {row.P50Ms:F2} | {row.P99Ms:F2} | {row.Errors} | {Ratio(row.Rps, floor?.Rps)} | {Ratio(row.Rps, peer?.Rps)} | {(row.PeakMb is { } mb ? mb.ToString("F0", CultureInfo.InvariantCulture) : "")} |"));
        }

        return text.ToString();
    }

    private static string Ratio(double value, double? reference) =>
        reference is > 0 ? (value / reference.Value).ToString("F2", CultureInfo.InvariantCulture) + "×" : "";

    private static string Cpu() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
}
