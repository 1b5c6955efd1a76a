using BrandBot.Delivery.Dedup;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.Delivery.Tests.Dedup;

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
    public async Task ARecordWrittenBehind_IsFirstOnce_AndAnsweredToTheGate()
    {
        var answer = new RememberedAnswer(3, "text", new byte[] { 7 });
        Assert.Null(_gate.TryRecord(new Pending("k", answer, _time.GetUtcNow() + Keep), _time.GetUtcNow()));
        Assert.Same(answer, _gate.TryRecord(new Pending("k", RememberedAnswer.Nothing, _time.GetUtcNow() + Keep), _time.GetUtcNow()));
        var retry = await Enter("k");
        Assert.Equal(GateOutcome.Answered, retry.Outcome);
        Assert.Same(answer, retry.Answer);

        // An attempt in flight at the gate makes a record written behind a repeat.
        await Enter("g");
        Assert.True(_gate.TryRecord(new Pending("g", answer, _time.GetUtcNow() + Keep), _time.GetUtcNow())!.IsNothing);

        _time.Advance(Keep + TimeSpan.FromSeconds(1));
        Assert.Null(_gate.TryRecord(new Pending("k", answer, _time.GetUtcNow() + Keep), _time.GetUtcNow()));
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

    private static PushTicket Ticket(string key) => new("acme", key, 1_795_000_000, Lease);

    private ValueTask<GateVerdict> Enter(string key, string account = "acme") =>
        _gate.EnterAsync(new PushTicket(account, key, 1_795_000_000, Lease));

    private sealed class Pending(string key, RememberedAnswer answer, DateTimeOffset keepUntil)
        : PendingPush("acme", key, 1_795_000_000, answer, new CompactAnswer(1, 0), keepUntil)
    {
        public override void Settled(bool first)
        {
        }
    }
}
