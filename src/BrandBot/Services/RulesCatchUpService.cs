using BrandBot.Delivery.Pipeline;
using BrandBot.Logging;
using BrandBot.Options;
using BrandBot.Rules.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BrandBot.Services;

/// <summary>
/// Keeps every instance on the latest rules: listens for publish notifications (Redis pub/sub) and,
/// as a safety net for missed ones, compares versions every <c>RulesCatchUpSeconds</c>. While the
/// store is unreachable the live version keeps answering; one line is logged per outage, not per poll.
/// </summary>
public sealed class RulesCatchUpService(
    AccountDirectory accounts,
    IRuleStore store,
    RulesActivator activator,
    IOptions<BrandBotOptions> options,
    ILoggerFactory logs) : BackgroundService
{
    private readonly ILogger logger = logs.CreateLogger(LogCategories.RulesCatchUp);

    private bool _failing;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.StartListeningAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RulesCatchUpSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CatchUpAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var account in accounts.All)
            {
                await activator.ActivateAsync(account.Name, cancellationToken);
            }

            if (_failing)
            {
                _failing = false;
                Log.StoreRecovered(logger);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!_failing)
            {
                _failing = true;
                Log.StoreUnavailable(logger, ex.GetType().Name, ex.Message);
            }
        }
    }
}
