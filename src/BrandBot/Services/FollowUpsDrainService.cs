using BrandBot.Delivery.Answering;

namespace BrandBot.Services;

/// <summary>At shutdown, lets the customer-service sends started after an answer finish (up to their drain bound).</summary>
public sealed class FollowUpsDrainService(FollowUps followUps) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => followUps.StopAsync(cancellationToken);
}
