using System.Collections.Concurrent;

namespace BrandBot.WeChatApi.Tokens;

/// <summary>The WeChat identity of one account, for token calls.</summary>
public sealed record ApiCredentials(string Account, string AppId, string AppSecret);

/// <summary>Why no token could be had; the message names the error code, never the secret.</summary>
public sealed class TokenUnavailableException(string message) : Exception(message);

/// <summary>
/// Access tokens for the customer-service API (docs/protocol.md §8.2): stable_token in normal mode,
/// shared through the store, refreshed ahead of expiry by one instance at a time (store lock) and
/// one caller at a time within an instance (single flight). A rejected token is discarded and
/// fetched once more in normal mode — never force_refresh, which would invalidate other instances.
/// </summary>
public sealed class AccessTokens(ITokenStore store, WeChatApiClient api, TimeProvider time, IWeChatApiObserver observer)
{
    /// <summary>The platform rotates a stable token about 5 minutes before it expires.</summary>
    public static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(5);

    /// <summary>Never ask again sooner than this, even when the platform returned a short-lived token.</summary>
    private static readonly TimeSpan MinimumAge = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LockHold = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan WaitForOther = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, StoredToken> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _flights = new(StringComparer.Ordinal);
    private readonly string _owner = Guid.NewGuid().ToString("n");

    public async Task<string> GetAsync(ApiCredentials account, CancellationToken cancellationToken)
    {
        if (_local.TryGetValue(account.Account, out var cached) && IsFresh(cached))
        {
            return cached.Value;
        }

        var flight = _flights.GetOrAdd(account.Account, _ => new SemaphoreSlim(1, 1));
        await flight.WaitAsync(cancellationToken);
        try
        {
            if (_local.TryGetValue(account.Account, out cached) && IsFresh(cached))
            {
                return cached.Value;
            }

            var token = await SharedOrRefreshAsync(account, cancellationToken);
            _local[account.Account] = token;
            return token.Value;
        }
        finally
        {
            flight.Release();
        }
    }

    /// <summary>Called when WeChat rejected <paramref name="value"/> (40001/42001): the next <see cref="GetAsync"/> fetches again.</summary>
    public async Task DiscardAsync(ApiCredentials account, string value)
    {
        if (_local.TryGetValue(account.Account, out var cached) && cached.Value == value)
        {
            _local.TryRemove(KeyValuePair.Create(account.Account, cached));
        }

        await store.DiscardAsync(account.Account, value);
    }

    private async Task<StoredToken> SharedOrRefreshAsync(ApiCredentials account, CancellationToken cancellationToken)
    {
        var waitUntil = time.GetUtcNow() + WaitForOther;
        while (true)
        {
            if (await store.ReadAsync(account.Account) is { } shared && IsFresh(shared))
            {
                return shared;
            }

            if (await store.TryLockAsync(account.Account, _owner, LockHold))
            {
                try
                {
                    // Someone may have refreshed between our read and our lock.
                    if (await store.ReadAsync(account.Account) is { } justWritten && IsFresh(justWritten))
                    {
                        return justWritten;
                    }

                    var fetched = await FetchAsync(account, cancellationToken);
                    await store.WriteAsync(account.Account, fetched);
                    return fetched;
                }
                finally
                {
                    await store.ReleaseAsync(account.Account, _owner);
                }
            }

            // Another instance is refreshing: wait for its token rather than call the API as well.
            if (time.GetUtcNow() >= waitUntil)
            {
                throw new TokenUnavailableException("another instance holds the token refresh lock and wrote no token in time");
            }

            await Task.Delay(PollEvery, time, cancellationToken);
        }
    }

    private async Task<StoredToken> FetchAsync(ApiCredentials account, CancellationToken cancellationToken)
    {
        TokenAnswer answer;
        try
        {
            answer = await api.GetStableTokenAsync(account.AppId, account.AppSecret, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            observer.TokenRefreshed(account.Account, "failed", ex.Message);
            throw new TokenUnavailableException("stable_token call failed: " + ex.Message);
        }

        if (answer.ErrCode != 0 || string.IsNullOrEmpty(answer.Token) || answer.ExpiresIn <= 0)
        {
            observer.TokenRefreshed(account.Account, $"error_{answer.ErrCode}", answer.ErrMsg);
            throw new TokenUnavailableException($"stable_token answered errcode {answer.ErrCode} ({answer.ErrMsg})");
        }

        observer.TokenRefreshed(account.Account, "ok");
        var now = time.GetUtcNow();
        return new StoredToken(answer.Token, now.AddSeconds(answer.ExpiresIn), now);
    }

    /// <summary>Usable and not yet due for refresh (or fetched too recently to ask again).</summary>
    private bool IsFresh(StoredToken token)
    {
        var now = time.GetUtcNow();
        return now < token.ExpiresAt && (now < token.ExpiresAt - RefreshAhead || now < token.FetchedAt + MinimumAge);
    }
}
