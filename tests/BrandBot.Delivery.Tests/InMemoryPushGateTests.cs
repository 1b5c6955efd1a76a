using BrandBot.Delivery.Dedup;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.Delivery.Tests;

public class InMemoryPushGateTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Keep = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_795_000_000));
    private readonly InMemoryPushGate _gate;

    public InMemoryPushGateTests() => _gate = new InMemoryPushGate(_time);

    [Fact]
    public async Task FirstAttempt_ThenInFlight_ThenTheRememberedAnswer()
    {
        Assert.Equal(GateOutcome.First, (await Enter("k")).Outcome);
        Assert.Equal(GateOutcome.InFlight, (await Enter("k")).Outcome);

        var answer = new RememberedAnswer(1, "text", new byte[] { 1, 2 });
        _gate.Remember("acme", "k", answer, Keep);
        var retry = await Enter("k");
        Assert.Equal(GateOutcome.Answered, retry.Outcome);
        Assert.Same(answer, retry.Answer);
    }

    [Fact]
    public async Task AReadyAnswer_IsStoredAsThePushEnters_NoRememberNeeded()
    {
        var answer = new RememberedAnswer(3, "text", new byte[] { 7 });
        var ticket = Ticket("k") with { Answer = answer, Keep = Keep };
        Assert.Equal(GateOutcome.First, (await _gate.EnterAsync(ticket)).Outcome);

        var retry = await _gate.EnterAsync(ticket with { Answer = new RememberedAnswer(9, "text", new byte[] { 8 }) });
        Assert.Equal(GateOutcome.Answered, retry.Outcome);
        Assert.Same(answer, retry.Answer);

        // Kept for Keep, not for the (shorter) in-flight lease.
        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(GateOutcome.Answered, (await _gate.EnterAsync(ticket)).Outcome);
    }

    [Fact]
    public async Task AReadyAnswer_OverALimit_IsStoredAsSuccess()
    {
        var limits = new RateLimits(1, 60, 0, 1);
        var reply = new RememberedAnswer(3, "text", new byte[] { 7 });
        Assert.Equal(GateOutcome.First, (await _gate.EnterAsync(Ticket("a", "f1", limits) with { Answer = reply, Keep = Keep })).Outcome);
        Assert.Equal(GateOutcome.Limited, (await _gate.EnterAsync(Ticket("b", "f1", limits) with { Answer = reply, Keep = Keep })).Outcome);
        var retry = await _gate.EnterAsync(Ticket("b", "f1", limits) with { Answer = reply, Keep = Keep });
        Assert.True(retry.Answer!.IsNothing);
    }

    [Fact]
    public async Task Keys_ArePerAccount()
    {
        Assert.Equal(GateOutcome.First, (await Enter("k", account: "a")).Outcome);
        Assert.Equal(GateOutcome.First, (await Enter("k", account: "b")).Outcome);
    }

    [Fact]
    public async Task Answers_AreKeptForTheirTimeThenForgotten()
    {
        await Enter("k");
        _gate.Remember("acme", "k", RememberedAnswer.Nothing, Keep);
        _time.Advance(Keep - TimeSpan.FromSeconds(1));
        Assert.Equal(GateOutcome.Answered, (await Enter("k")).Outcome);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(GateOutcome.First, (await Enter("k")).Outcome);
    }

    [Fact]
    public async Task Waiting_GetsTheAnswerWhenItIsRemembered()
    {
        await Enter("k");
        var waiting = _gate.WaitAsync("acme", "k", TimeSpan.FromSeconds(4)).AsTask();
        Assert.False(waiting.IsCompleted);
        var answer = new RememberedAnswer(7, "text", new byte[] { 9 });
        _gate.Remember("acme", "k", answer, Keep);
        var verdict = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(GateOutcome.Answered, verdict.Outcome);
        Assert.Same(answer, verdict.Answer);
    }

    [Fact]
    public async Task Waiting_PastItsTimeout_IsStillInFlight()
    {
        await Enter("k");
        var waiting = _gate.WaitAsync("acme", "k", TimeSpan.FromSeconds(2)).AsTask();
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(GateOutcome.InFlight, (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Outcome);
    }

    [Fact]
    public async Task AnAttemptThatNeverAnswers_LeavesTheKeyVacantAfterItsLease()
    {
        await Enter("k");
        var waiting = _gate.WaitAsync("acme", "k", TimeSpan.FromSeconds(30)).AsTask();
        _time.Advance(Lease);
        Assert.Equal(GateOutcome.Vacant, (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Outcome);
        Assert.Equal(GateOutcome.First, (await Enter("k")).Outcome);
    }

    [Fact]
    public async Task FollowerLimit_CountsOnlyCountedPushes_PerFollower_PerWindow()
    {
        var limits = new RateLimits(3, 60, 0, 1);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(GateOutcome.First, (await Enter($"m{i}", follower: "f1", limits: limits)).Outcome);
        }

        var over = await Enter("m3", follower: "f1", limits: limits);
        Assert.Equal(GateOutcome.Limited, over.Outcome);
        Assert.Equal(LimitScope.Follower, over.LimitedBy);
        Assert.Equal(GateOutcome.First, (await Enter("m4", follower: "f2", limits: limits)).Outcome);
        Assert.Equal(GateOutcome.First, (await Enter("follow", follower: null, limits: limits)).Outcome);

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(GateOutcome.First, (await Enter("m5", follower: "f1", limits: limits)).Outcome);
    }

    [Fact]
    public async Task AccountLimit_AppliesAcrossFollowers()
    {
        var limits = new RateLimits(0, 60, 2, 1);
        Assert.Equal(GateOutcome.First, (await Enter("a", follower: "f1", limits: limits)).Outcome);
        Assert.Equal(GateOutcome.First, (await Enter("b", follower: "f2", limits: limits)).Outcome);
        var over = await Enter("c", follower: "f3", limits: limits);
        Assert.Equal((GateOutcome.Limited, LimitScope.Account), (over.Outcome, over.LimitedBy));
    }

    [Fact]
    public async Task ExpiredMarks_AreSwept()
    {
        for (var i = 0; i < 100; i++)
        {
            await Enter($"k{i}");
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        await Enter("trigger");
        Assert.Equal(1, _gate.MarkCount);
    }

    private PushTicket Ticket(string key, string? follower = null, RateLimits? limits = null) =>
        new("acme", key, follower, Lease, limits ?? RateLimits.None, _time.GetUtcNow());

    private ValueTask<GateVerdict> Enter(string key, string account = "acme", string? follower = null, RateLimits? limits = null) =>
        _gate.EnterAsync(new PushTicket(account, key, follower, Lease, limits ?? RateLimits.None, _time.GetUtcNow()));
}
