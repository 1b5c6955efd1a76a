using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Account.Tagging;

/// <summary>A follower waiting for a tag. The OpenID is needed for the call; it is never logged or shown.</summary>
public readonly record struct TagRequest(string Tag, string OpenId)
{
    /// <summary>The stored form of "this follower has this tag" — no OpenID in it.</summary>
    /// <remarks>The same 40 hex digits of SHA-256 as every other stored identity, so keys written before stay valid.</remarks>
    public string DoneKey
    {
        get
        {
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes($"t\n{Tag}\n{OpenId}"), digest);
            return Convert.ToHexStringLower(digest[..20]);
        }
    }
}

/// <summary>
/// Followers waiting to be tagged, per account: in Redis (a restart loses nothing; any instance may
/// send) or in memory on the embedded store. <see cref="Enqueue"/> never waits — it is called where a
/// push's side effects run — and a request for a follower already given that tag is dropped.
/// A claim is a lease: a request claimed by an instance that dies is claimed again after it.
/// </summary>
public interface ITagQueue
{
    void Enqueue(string account, TagRequest request);

    /// <summary>Writes what <see cref="Enqueue"/> gathered to the store; on failure it is kept for the next call.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> requests due at <paramref name="now"/>, leased for <paramref name="lease"/>.</summary>
    Task<IReadOnlyList<TagRequest>> ClaimAsync(string account, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>WeChat tagged them: remembered, never sent again.</summary>
    Task CompleteAsync(string account, IReadOnlyList<TagRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>A transient failure: due again after <see cref="TagBackoff.Delay"/> of its attempts. Returns each request's attempt count.</summary>
    Task<IReadOnlyList<int>> RetryAsync(string account, IReadOnlyList<TagRequest> requests, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>A permanent refusal: removed without being tagged.</summary>
    Task DropAsync(string account, IReadOnlyList<TagRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>How many wait (due or not), for health and tests.</summary>
    Task<long> CountAsync(string account, CancellationToken cancellationToken = default);
}

/// <summary>How long a request waits after its n-th transient failure: 2, 4, 8 … seconds, at most 10 minutes.</summary>
public static class TagBackoff
{
    public const int MaxDelaySeconds = 600;

    /// <summary>After this many transient failures (about 4 hours) a request is given up.</summary>
    public const int MaxAttempts = 30;

    public static TimeSpan Delay(int attempts) => TimeSpan.FromSeconds(Math.Min(MaxDelaySeconds, Math.Pow(2, Math.Min(attempts, 20))));
}
