namespace BrandBot.WeChatApi.Tokens;

/// <summary>An access token as shared between instances.</summary>
public sealed record StoredToken(string Value, DateTimeOffset ExpiresAt, DateTimeOffset FetchedAt);

/// <summary>
/// Where instances share an account's access token and the lock that lets exactly one of them
/// refresh it (docs/protocol.md §8.1: a single central refresher). Redis in production, memory on the
/// embedded store.
/// </summary>
public interface ITokenStore
{
    ValueTask<StoredToken?> ReadAsync(string account);

    ValueTask WriteAsync(string account, StoredToken token);

    /// <summary>Takes the refresh lock for <paramref name="hold"/> unless someone else holds it.</summary>
    ValueTask<bool> TryLockAsync(string account, string owner, TimeSpan hold);

    /// <summary>Releases the lock if <paramref name="owner"/> still holds it.</summary>
    ValueTask ReleaseAsync(string account, string owner);

    /// <summary>Forgets the token if it is still <paramref name="value"/> (not one another instance already replaced).</summary>
    ValueTask DiscardAsync(string account, string value);
}
