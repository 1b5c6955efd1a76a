using System.Collections.Concurrent;

namespace BrandBot.WeChatApi.Tokens;

/// <summary>The token store of a single process (embedded mode): one instance, so one refresher.</summary>
public sealed class InMemoryTokenStore(TimeProvider time) : ITokenStore
{
    private readonly ConcurrentDictionary<string, StoredToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Owner, DateTimeOffset Until)> _locks = new(StringComparer.Ordinal);

    public ValueTask<StoredToken?> ReadAsync(string account) =>
        ValueTask.FromResult(_tokens.TryGetValue(account, out var token) ? token : null);

    public ValueTask WriteAsync(string account, StoredToken token)
    {
        _tokens[account] = token;
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TryLockAsync(string account, string owner, TimeSpan hold)
    {
        var now = time.GetUtcNow();
        var mine = (owner, now + hold);
        var current = _locks.AddOrUpdate(account, mine, (_, held) => held.Until <= now ? mine : held);
        return ValueTask.FromResult(current == mine);
    }

    public ValueTask ReleaseAsync(string account, string owner)
    {
        if (_locks.TryGetValue(account, out var held) && held.Owner == owner)
        {
            _locks.TryRemove(KeyValuePair.Create(account, held));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DiscardAsync(string account, string value)
    {
        if (_tokens.TryGetValue(account, out var token) && token.Value == value)
        {
            _tokens.TryRemove(KeyValuePair.Create(account, token));
        }

        return ValueTask.CompletedTask;
    }
}
