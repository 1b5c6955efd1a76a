using System.Diagnostics;
using System.Globalization;
using BrandBot.Delivery.Pipeline;
using BrandBot.Hosting;
using BrandBot.Protocol.Simulation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.Benchmarks;

/// <summary>
/// Whole pushes through the host's own services (signature, envelope, gate, rules, statistics,
/// metrics, reply, seal) without HTTP: managed bytes allocated and CPU time per push. Allocation is
/// exact and does not move with the machine's mood, which wrk's req/s does (±15% between runs of
/// one build), so a request-path change is judged here first and in the load harness second.
/// </summary>
internal static class WholePush
{
    private const string Token = "loadTestToken";
    private const string AppId = "wx1234567890abcdef";
    private const string Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    /// <param name="redis">A Redis endpoint, or empty for the embedded store.</param>
    public static async Task RunAsync(int rules, int pushes, string redis, PushMode mode = PushMode.Safe)
    {
        var directory = Directory.CreateTempSubdirectory("brandbot-push-");
        try
        {
            var rulesFile = Path.Combine(directory.FullName, "rules.yaml");
            await File.WriteAllTextAsync(rulesFile, RulesYaml(rules));
            string[] args =
            [
                "--BrandBot:Redis", redis,
                "--BrandBot:ReplayWindowSeconds", "0",
                "--BrandBot:RateLimit:PerFollower", "0",
                "--BrandBot:Accounts:0:Name", "demo",
                "--BrandBot:Accounts:0:AppId", AppId,
                "--BrandBot:Accounts:0:Token", Token,
                "--BrandBot:Accounts:0:EncodingAESKey", Key,
                "--BrandBot:Accounts:0:RulesFile", rulesFile,
                "--Logging:LogLevel:Default", "Warning",
                "--urls", "http://127.0.0.1:0",
            ];
            await using var app = await BrandBotApp.BuildAsync(args);
            await BrandBotApp.StartAsync(app);
            var processor = app.Services.GetRequiredService<PushProcessor>();
            var account = app.Services.GetRequiredService<AccountDirectory>().Find("demo")!;

            // Half the pushes warm the JIT up, half are measured; every one is a first attempt.
            var corpus = Corpus(rules, pushes * 2, mode);
            await RunAsync(processor, account, corpus.AsMemory(0, pushes));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var gen0 = GC.CollectionCount(0);
            var wall = Stopwatch.StartNew();
            var replies = await RunAsync(processor, account, corpus.AsMemory(pushes, pushes));
            wall.Stop();
            var allocatedPerPush = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)pushes;
            var cpuPerPush = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / pushes;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"store={(redis.Length == 0 ? "embedded" : "redis")} mode={mode.ToString().ToLowerInvariant()} rules={rules} pushes={pushes} replies={replies} bytes_per_push={allocatedPerPush:F0} cpu_us_per_push={cpuPerPush:F1} wall_us_per_push={wall.Elapsed.TotalMicroseconds / pushes:F1} gen0={GC.CollectionCount(0) - gen0}"));
            await app.StopAsync();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// <see cref="Concurrency"/> pushes in flight at a time, as 64 wrk connections keep them: with
    /// Redis, one at a time would measure round trips, not the work a loaded instance does per push.
    /// </summary>
    private static async Task<int> RunAsync(PushProcessor processor, WeChatAccount account, ReadOnlyMemory<(PushQuery Query, byte[] Body)> pushes)
    {
        var next = -1;
        var replies = 0;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < pushes.Length)
            {
                var (query, body) = pushes.Span[i];
                var answer = await processor.ProcessAsync(account, query, body, TimeProvider.System.GetTimestamp(), CancellationToken.None);
                if (answer.Status == 200 && !answer.IsSuccess)
                {
                    Interlocked.Increment(ref replies);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(Worker)));
        return replies;
    }

    private const int Concurrency = 64;

    /// <summary>Pushes shaped like the load harness's corpus: 70% rule keywords, 10% "hours", 20% misses.</summary>
    private static (PushQuery, byte[])[] Corpus(int rules, int count, PushMode mode)
    {
        var random = new Random(7);
        var prefix = new byte[16];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var corpus = new (PushQuery, byte[])[count];
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            var text = roll < 70 ? $"kw{random.Next(rules)}" : roll < 80 ? "hours" : $"do you deliver to district {random.Next(1000)}?";
            var xml = SampleMessages.Text("gh_load", $"o-follower-{random.Next(20_000)}", now, text, 7_000_000_000_000_000_000L + i);
            random.NextBytes(prefix);
            var push = SignedPush.Create(Token, AppId, Key, mode, xml, now, (100_000_000 + i).ToString(CultureInfo.InvariantCulture), prefix);
            corpus[i] = (PushQuery.Parse(push.Query), push.Body);
        }

        return corpus;
    }

    private static string RulesYaml(int rules)
    {
        var yaml = new System.Text.StringBuilder("default:\n  replies: [ text: \"Reply 'hours' for opening hours\" ]\nrules:\n");
        yaml.Append("  - { name: hours, priority: 1, keywords: [ equal: \"hours\" ], replies: [ text: \"We open 9:00-21:00\" ] }\n");
        for (var i = 0; i < rules; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ name: r{i}, keywords: [ equal: \"kw{i}\" ], replies: [ text: \"answer {i}\" ] }}\n");
        }

        return yaml.ToString();
    }
}
