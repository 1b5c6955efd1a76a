using System.Diagnostics;
using System.Runtime;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Store;
using Microsoft.Extensions.Logging;

namespace BrandBot.Delivery.WarmUp;

/// <summary>
/// Before the host listens (so before <c>/readyz</c> answers), rehearses the push path's pure work on
/// synthetic pushes — texts, a follow, a menu click, an image; safe and plain mode — matched against each
/// account's live rules, and gives the JIT time to compile what that made hot. Without it a fresh process
/// spends its first seconds under load in unoptimised code while the JIT competes for the same core
/// (tests/load: ~1.6k req/s in the first 3 s against ~7k steady). Nothing it does is seen outside:
/// <see cref="PushProcessor.Rehearse"/> touches no store, statistics, metric, log or backend.
/// </summary>
internal sealed class PushPathWarmUp(
    AccountDirectory accounts,
    LiveRuleSets rules,
    PushProcessor processor,
    IEntropy entropy,
    TimeProvider time,
    DeliveryOptions options,
    ILoggerFactory logs)
{
    private readonly ILogger logger = logs.CreateLogger(DeliveryLog.WarmUpCategory);
    /// <summary>
    /// Rounds run in passes: the JIT promotes a method after 30 calls, through an instrumented tier and
    /// then the optimised one, each compiled in the background — so a pass, a pause for the compiler, again.
    /// </summary>
    private const int Passes = 3;

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    public async Task<WarmUpReport> RunAsync(CancellationToken cancellationToken)
    {
        var rounds = options.WarmUpRounds;
        var targets = accounts.All.Select(a => a.Name).ToList();
        if (rounds == 0 || targets.Count == 0)
        {
            return new WarmUpReport(0, TimeSpan.Zero);
        }

        // Wall time, not the injected clock: the pauses wait on the real compiler.
        var started = Stopwatch.StartNew();
        var rehearsal = Rehearsal.Create(entropy, time.GetUtcNow().ToUnixTimeSeconds());
        var rehearsed = 0;
        var perPass = Math.Max(1, rounds / Passes);
        for (var pass = 0; pass < Passes; pass++)
        {
            for (var round = 0; round < perPass; round++)
            {
                var set = rules.Get(targets[round % targets.Count]);
                foreach (var push in rehearsal.Pushes)
                {
                    // A rehearsal that fails is a bug to hear about, never a reason not to start.
                    try
                    {
                        _ = processor.Rehearse(rehearsal.Account, push.Query, push.Body, set);
                    }
                    catch (Exception ex)
                    {
                        DeliveryLog.RehearsalFailed(logger, ex);
                        return new WarmUpReport(rehearsed, started.Elapsed);
                    }

                    rehearsed++;
                }
            }

            await WhileTheJitIsBusyAsync(cancellationToken);
        }

        var report = new WarmUpReport(rehearsed, started.Elapsed);
        DeliveryLog.WarmedUp(logger, report.Rehearsed, (long)report.Took.TotalMilliseconds);
        return report;
    }

    /// <summary>Waits until the count of compiled methods stops growing (the background tier-up is done), at most a second.</summary>
    private static async Task WhileTheJitIsBusyAsync(CancellationToken cancellationToken)
    {
        var since = Stopwatch.StartNew();
        var compiled = JitInfo.GetCompiledMethodCount();
        while (since.Elapsed < LongestPause)
        {
            await Task.Delay(PollEvery, cancellationToken);
            var now = JitInfo.GetCompiledMethodCount();
            if (now == compiled)
            {
                return;
            }

            compiled = now;
        }
    }

    /// <summary>The synthetic account and its signed pushes: built once, rehearsed many times.</summary>
    private sealed record Rehearsal(WeChatAccount Account, IReadOnlyList<(PushQuery Query, byte[] Body)> Pushes)
    {
        private const string Gh = "gh_warmup0000";
        private const string Follower = "oWarmUp000000000000000000000";

        public static Rehearsal Create(IEntropy entropy, long now)
        {
            Span<byte> secret = stackalloc byte[32];
            entropy.Fill(secret);
            var key = Convert.ToBase64String(secret).TrimEnd('=');
            entropy.Fill(secret);
            var account = new WeChatAccount(
                "warm-up", "wxwarmup00000000", Convert.ToHexString(secret[..16]), key, previousEncodingAesKey: null, appSecret: null, rulesFile: null);
            string[] messages =
            [
                SampleMessages.Text(Gh, Follower, now, "hello", 1),
                SampleMessages.Text(Gh, Follower, now, "营业时间 opening hours?", 2),
                SampleMessages.Event(Gh, Follower, now, "subscribe", "qrscene_warm-up"),
                SampleMessages.Event(Gh, Follower, now, "CLICK", "warm-up"),
                SampleMessages.Build(Gh, Follower, now, "image", ("PicUrl", "http://127.0.0.1/p.jpg"), ("MediaId", "warm-up"), ("MsgId", "3")),
            ];
            Span<byte> prefix = stackalloc byte[16];
            var pushes = new List<(PushQuery, byte[])>();
            foreach (var mode in new[] { PushMode.Safe, PushMode.Plain })
            {
                foreach (var message in messages)
                {
                    entropy.Fill(prefix);
                    var signed = SignedPush.Create(account.Token, account.AppId, key, mode, message, now, "warmup", prefix);
                    pushes.Add((PushQuery.Parse(signed.Query), signed.Body));
                }
            }

            return new Rehearsal(account, pushes);
        }
    }
}

/// <summary>How many pushes the warm-up rehearsed and how long it took, compiler pauses included.</summary>
internal readonly record struct WarmUpReport(int Rehearsed, TimeSpan Took);
