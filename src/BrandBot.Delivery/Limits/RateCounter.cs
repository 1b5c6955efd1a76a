namespace BrandBot.Delivery.Limits;

/// <summary>
/// One follower's (or the account's) count in its current window, as this instance knows it: the
/// shared total at the last sync plus what it counted since. The previous window's count is kept so
/// a follower who just hit the limit stays "hot" across the window's edge (a retry may cross it).
/// </summary>
public sealed class RateCounter(string account, string? follower)
{
    private readonly Lock _lock = new();
    private long _window = long.MinValue;
    private long _synced;
    private long _unsynced;
    private long _previous;
    private bool _dirty;

    public string Account { get; } = account;

    /// <summary>The hashed follower, or null for the account's window.</summary>
    public string? Follower { get; } = follower;

    /// <summary>
    /// Counts <paramref name="n"/> (−1 takes a retry's count back) and returns the known count, the previous
    /// window's, and whether the counter just became dirty (the caller queues it for the next sync, once).
    /// </summary>
    public (long Known, long Previous, bool BecameDirty) Add(long window, long n)
    {
        lock (_lock)
        {
            Roll(window);
            var becameDirty = false;
            if (window == _window)
            {
                _unsynced += n;
                becameDirty = !_dirty;
                _dirty = true;
            }

            return (_synced + _unsynced, _previous, becameDirty);
        }
    }

    /// <summary>
    /// Takes what was counted since the last sync, with the window it belongs to; null when nothing was,
    /// unless <paramref name="evenIfNone"/> (a delta of 0 still reads the total back).
    /// </summary>
    public (long Window, long Delta)? TakeUnsynced(bool evenIfNone = false)
    {
        lock (_lock)
        {
            _dirty = false;
            if (_unsynced == 0 && !evenIfNone)
            {
                return null;
            }

            var delta = _unsynced;
            _unsynced = 0;
            return (_window, delta);
        }
    }

    /// <summary>The shared total after a sync (totals only grow: a late answer never lowers it).</summary>
    public void Synced(long window, long total)
    {
        lock (_lock)
        {
            if (window == _window && total > _synced)
            {
                _synced = total;
            }
        }
    }

    /// <summary>A sync failed: what it carried is counted as unsynced again. True when the caller must queue it again.</summary>
    public bool Unsent(long window, long delta)
    {
        lock (_lock)
        {
            if (window != _window)
            {
                return false;
            }

            _unsynced += delta;
            var becameDirty = !_dirty;
            _dirty = true;
            return becameDirty;
        }
    }

    /// <summary>Nothing left to send and two windows old: the counter can go.</summary>
    public bool IsStale(long window)
    {
        lock (_lock)
        {
            return _window < window - 1 && _unsynced == 0;
        }
    }

    private void Roll(long window)
    {
        if (window <= _window)
        {
            return;
        }

        _previous = window == _window + 1 ? _synced + _unsynced : 0;
        _window = window;
        _synced = 0;
        _unsynced = 0;
    }
}
