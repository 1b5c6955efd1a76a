using BrandBot.Broadcasts.Store;
using BrandBot.WeChatApi;
using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Broadcasts.Sending;

/// <summary>
/// Runs whatever broadcast work is due, for every account that can call WeChat: scheduled sends, retries,
/// result polls. Any instance may tick; a broadcast's lease (with its fencing number) lets exactly one of
/// them act on it at a time (docs/broadcasts.md#one-sender).
/// </summary>
public sealed class BroadcastScheduler(
    BrandBot.Rules.Store.IRuleStore rules, IBroadcastStore store, BroadcastRunner runner, BroadcastAccounts accounts, AccessTokens tokens, WeChatApiClient client, BroadcastOptions options, TimeProvider time)
{
    /// <summary>The live rules, for a scene's tag.</summary>
    public BrandBot.Rules.Store.IRuleStore Rules => rules;

    public BroadcastApi? ApiFor(BroadcastAccount account) => account.Credentials is { } credentials ? new BroadcastApi(tokens, client, credentials) : null;

    public async Task TickAsync(string owner, CancellationToken cancellationToken)
    {
        foreach (var account in accounts.All.Where(a => a.Credentials is not null))
        {
            foreach (var id in await store.ActiveAsync(account.Name, cancellationToken))
            {
                if (await store.GetAsync(account.Name, id, cancellationToken) is { } record && HasWork(record, time.GetUtcNow()))
                {
                    await RunAsync(account, id, owner, cancellationToken);
                }
            }
        }
    }

    /// <summary>Moves one broadcast under its lease; null when another sender holds it.</summary>
    public async Task<BroadcastRecord?> RunAsync(BroadcastAccount account, string id, string owner, CancellationToken cancellationToken, Action<BroadcastRecord>? before = null)
    {
        if (await store.AcquireAsync(account.Name, id, owner, options.Lease, cancellationToken) is not { } lease)
        {
            return null;
        }

        try
        {
            // Read under the lease: what another sender wrote before it let go is seen.
            var record = await store.GetAsync(account.Name, id, cancellationToken);
            if (record is null)
            {
                return null;
            }

            if (before is not null)
            {
                before(record);
                if (!await store.SaveAsync(record, lease, cancellationToken))
                {
                    return null;
                }
            }

            if (BroadcastStates.IsActive(record.State))
            {
                await runner.RunAsync(ApiFor(account)!, account, record, lease, cancellationToken);
            }

            return await store.GetAsync(account.Name, id, cancellationToken);
        }
        catch (LeaseLostException)
        {
            return await store.GetAsync(account.Name, id, cancellationToken);
        }
        finally
        {
            await store.ReleaseAsync(lease, CancellationToken.None);
        }
    }

    private bool HasWork(BroadcastRecord record, DateTimeOffset now) => record.State switch
    {
        BroadcastStates.Scheduled => record.DueAt <= now,
        BroadcastStates.Sending => record.Batches.All(b => b.RetryAt is null || b.RetryAt <= now),
        // Cheap: it only reads the results, and asks mass/get when one is late.
        BroadcastStates.Sent => true,
        _ => false,
    };
}
