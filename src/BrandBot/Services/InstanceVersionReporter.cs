using BrandBot.Delivery.Pipeline;
using BrandBot.Rules.Store;
using Microsoft.Extensions.Hosting;

namespace BrandBot.Services;

/// <summary>
/// Tells the store, every few seconds, which rules version this instance answers with for each account,
/// so the dashboard can show whether every instance took a publish. Failures are ignored: the next tick retries.
/// Stopping, it takes this instance off the list, so the Rules page does not show it for another
/// <see cref="IInstanceVersions.Stale"/>.
/// </summary>
public sealed class InstanceVersionReporter(AccountDirectory accounts, LiveRuleSets rules, IInstanceVersions versions) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>This process as the dashboard names it: host and process id (no follower data).</summary>

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real seconds even under a test clock: the stamp comes from TimeProvider, the pace need not.
        using var timer = new PeriodicTimer(Interval);
        do
        {
            foreach (var account in accounts.All)
            {
                try
                {
                    await versions.ReportAsync(account.Name, ThisInstance.Name, rules.Get(account.Name).Version, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Redis away: the Health page says so; this report waits for the next tick.
                }
            }
        }
        while (await WaitAsync(timer, stoppingToken));

        // The store may be away too: a short wait, then the entry goes stale on its own.
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        foreach (var account in accounts.All)
        {
            try
            {
                await versions.RemoveAsync(account.Name, ThisInstance.Name, bounded.Token).WaitAsync(bounded.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Not removed: it leaves the list once stale.
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
