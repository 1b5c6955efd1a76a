using BrandBot.Delivery.Limits;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.Delivery.Tests.Limits;

public class RateLimiterTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_795_000_020));

    [Fact]
    public void FollowerLimit_PerFollower_PerWindow_WithoutAStore_IsExact()
    {
        var limiter = new RateLimiter(new RateLimits(3, 60, 0, 1), null, _time);
        Assert.All(Enumerable.Range(0, 3), _ => Assert.False(limiter.Take("acme", "f1").IsLimited));
        Assert.Equal(LimitScope.Follower, limiter.Take("acme", "f1").LimitedBy);
        Assert.False(limiter.Take("acme", "f2").IsLimited);
        Assert.False(limiter.Take("other", "f1").IsLimited);

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(limiter.Take("acme", "f1").IsLimited);
    }

    [Fact]
    public void AccountLimit_AppliesAcrossFollowers()
    {
        var limiter = new RateLimiter(new RateLimits(0, 60, 2, 1), null, _time);
        Assert.False(limiter.Take("acme", "f1").IsLimited);
        Assert.False(limiter.Take("acme", "f2").IsLimited);
        Assert.Equal(LimitScope.Account, limiter.Take("acme", "f3").LimitedBy);
    }

    [Fact]
    public void FromHalfTheLimit_APushIsHot_AndStaysHotIntoTheNextWindow()
    {
        var limiter = new RateLimiter(new RateLimits(4, 60, 0, 1), null, _time);
        Assert.False(limiter.Take("acme", "f1").Hot);
        Assert.True(limiter.Take("acme", "f1").Hot);

        _time.Advance(TimeSpan.FromSeconds(60));
        // A retry of the last push may cross the window's edge: the follower is still judged carefully.
        Assert.True(limiter.Take("acme", "f1").Hot);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(limiter.Take("acme", "f1").Hot);
    }

    [Fact]
    public void Untake_GivesARetrysCountBack()
    {
        var limiter = new RateLimiter(new RateLimits(1, 60, 0, 1), null, _time);
        var first = limiter.Take("acme", "f1");
        Assert.False(first.IsLimited);
        limiter.Untake(limiter.Take("acme", "f1"));
        Assert.Equal(LimitScope.Follower, limiter.Take("acme", "f1").LimitedBy);
    }

    [Fact]
    public async Task TwoInstances_ConfirmingHotPushes_KeepTheLimitExact_WhenTheyAlternate()
    {
        var shared = new SharedWindows();
        var a = new RateLimiter(new RateLimits(3, 60, 0, 1), shared, _time);
        var b = new RateLimiter(new RateLimits(3, 60, 0, 1), shared, _time);
        var limited = 0;
        for (var i = 0; i < 5; i++)
        {
            var limiter = i % 2 == 0 ? a : b;
            var verdict = await limiter.ConfirmAsync(limiter.Take("acme", "flooder"), CancellationToken.None);
            limited += verdict.IsLimited ? 1 : 0;
        }

        Assert.Equal(2, limited);
        Assert.Equal(5, shared.Total("flooder"));
    }

    [Fact]
    public async Task Overshoot_AcrossInstancesBetweenSyncs_IsBoundedByHalfTheLimitPerOtherInstance()
    {
        const int limit = 10;
        var shared = new SharedWindows();
        var instances = Enumerable.Range(0, 3).Select(_ => new RateLimiter(new RateLimits(limit, 60, 0, 1), shared, _time)).ToList();
        var answered = 0;
        // A burst reaching every instance in turn, with no background sync in between.
        for (var i = 0; i < 60; i++)
        {
            var limiter = instances[i % instances.Count];
            var verdict = await limiter.ConfirmAsync(limiter.Take("acme", "burst"), CancellationToken.None);
            answered += verdict.IsLimited ? 0 : 1;
        }

        Assert.InRange(answered, limit, limit + ((instances.Count - 1) * RateLimiter.HotFrom(limit)));
    }

    [Fact]
    public async Task BackgroundSync_TellsOtherInstancesWhoIsHot()
    {
        var shared = new SharedWindows();
        var a = new RateLimiter(new RateLimits(4, 60, 0, 1), shared, _time);
        var b = new RateLimiter(new RateLimits(4, 60, 0, 1), shared, _time);
        a.Take("acme", "f1");
        a.Take("acme", "f1");
        await a.SyncAsync(CancellationToken.None);
        Assert.False(b.Take("acme", "f9").Hot);
        await b.SyncAsync(CancellationToken.None);

        // b has never seen f1, but a found it at half its limit.
        Assert.True(b.Take("acme", "f1").Hot);
    }

    [Fact]
    public async Task AnUnreachableStore_KeepsTheCountsForTheNextSync()
    {
        var shared = new SharedWindows { Down = true };
        var a = new RateLimiter(new RateLimits(10, 60, 0, 1), shared, _time);
        a.Take("acme", "f1");
        a.Take("acme", "f1");
        await a.SyncAsync(CancellationToken.None);
        shared.Down = false;
        await a.SyncAsync(CancellationToken.None);
        Assert.Equal(2, shared.Total("f1"));
    }

    [Fact]
    public async Task ASync_SendsEveryDirtyCounter_InCallsOfAtMostOneRound()
    {
        var shared = new SharedWindows();
        var limiter = new RateLimiter(new RateLimits(10, 60, 0, 1), shared, _time);
        var followers = (3 * RateLimiter.SyncRound) + 7;
        for (var i = 0; i < followers; i++)
        {
            limiter.Take("acme", $"f{i}");
        }

        limiter.Take("acme", "f0");
        await limiter.SyncAsync(CancellationToken.None);

        Assert.Equal(2, shared.Total("f0"));
        Assert.All(Enumerable.Range(1, followers - 1), i => Assert.Equal(1, shared.Total($"f{i}")));
        Assert.Equal(4, shared.Calls);
        Assert.Equal(RateLimiter.SyncRound, shared.LargestCall);
    }

    /// <summary>The shared windows as Redis keeps them: totals per key, and the hot set.</summary>
    private sealed class SharedWindows : IRateWindowStore
    {
        private readonly Dictionary<(string?, long), long> _totals = [];
        private readonly HashSet<string> _hot = [];

        public bool Down { get; set; }

        public int Calls { get; private set; }

        public int LargestCall { get; private set; }

        public long Total(string follower) => _totals.Where(t => t.Key.Item1 == follower).Sum(t => t.Value);

        public Task<RateSync> SyncAsync(string account, IReadOnlyList<WindowDelta> deltas, long followerWindow, int followerWindowSeconds, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new TimeoutException("store down");
            }

            Calls++;
            LargestCall = Math.Max(LargestCall, deltas.Count);
            var totals = new List<long>();
            foreach (var delta in deltas)
            {
                var key = (delta.Follower, delta.Window);
                _totals[key] = _totals.GetValueOrDefault(key) + delta.Delta;
                totals.Add(_totals[key]);
                if (delta.HotFrom > 0 && _totals[key] >= delta.HotFrom)
                {
                    _hot.Add(delta.Follower!);
                }
            }

            return Task.FromResult(new RateSync(totals, [.. _hot]));
        }
    }
}
