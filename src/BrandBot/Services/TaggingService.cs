using BrandBot.Account;
using BrandBot.Account.Tagging;
using BrandBot.Delivery.Pipeline;
using BrandBot.Logging;
using BrandBot.Metrics;
using BrandBot.WeChatApi;
using BrandBot.WeChatApi.Tokens;
using Microsoft.Extensions.Hosting;

namespace BrandBot.Services;

/// <summary>Tagging outcomes as the <c>brandbot_taggings_total</c> counter.</summary>
public sealed class TaggingEvents(BrandBotMetrics metrics) : ITaggingObserver
{
    public void Tagging(string account, string outcome, int followers) => metrics.Tagging(account, outcome, followers);
}

/// <summary>
/// Runs the tagger for every account with an AppSecret, once a second: writes what pushes queued,
/// then sends what is due. Any instance may send any request (claims are leases), so nothing depends
/// on the instance that answered the push; a failure waits for the next tick.
/// </summary>
public sealed class TaggingService(
    ITagQueue queue, Tagger tagger, AccountDirectory accounts, AccessTokens tokens, WeChatApiClient client,
    ILoggerFactory logs) : BackgroundService
{
    private readonly ILogger log = logs.CreateLogger(LogCategories.Tagging);

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var apis = accounts.All.Where(a => a.Credentials is not null).Select(a => new AccountApi(tokens, client, a.Credentials!)).ToList();
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
                foreach (var api in apis)
                {
                    try
                    {
                        while (await tagger.RunOnceAsync(api, stoppingToken) >= Tagger.BatchSize * 4)
                        {
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // The store is away or answered oddly: the requests wait where they are.
                        log.LogWarning("tagging for account {Account} paused: {Reason}", api.Account, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await queue.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning("tag queue not written: {Reason}", ex.Message);
        }
    }
}
