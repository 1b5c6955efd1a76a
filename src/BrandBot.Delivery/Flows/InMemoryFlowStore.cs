namespace BrandBot.Delivery.Flows;

/// <summary>Flow states of the embedded store: in this process, under one lock, with the same compare-and-set as Redis.</summary>
public sealed class InMemoryFlowStore(TimeProvider time, FlowFollowers followers) : IFlowStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string, string), (FlowState State, long Until)> _states = [];
    private readonly Dictionary<(string, string), (byte[] Answer, long Until)> _answers = [];

    public Task<FlowRead> ReadAsync(string account, string follower, string pushKey, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            var state = _states.TryGetValue((account, follower), out var s) && s.Until > now ? s.State : null;
            var answer = _answers.TryGetValue((account, pushKey), out var a) && a.Until > now ? a.Answer : null;
            return Task.FromResult(new FlowRead(state, answer));
        }
    }

    public Task<CommitResult> CommitAsync(
        string account, string follower, string pushKey, long expectedRev, FlowState? state, TimeSpan stateLife,
        byte[] answer, TimeSpan answerLife, bool replaceMark, long activeUntil, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (_answers.TryGetValue((account, pushKey), out var stored) && stored.Until > now && !(replaceMark && FlowAnswers.IsInFlight(stored.Answer)))
            {
                return Task.FromResult(new CommitResult(CommitOutcome.Answered, stored.Answer));
            }

            var rev = _states.TryGetValue((account, follower), out var current) && current.Until > now ? current.State.Rev : 0;
            if (rev != expectedRev)
            {
                return Task.FromResult(new CommitResult(CommitOutcome.Conflict));
            }

            if (state is null)
            {
                _states.Remove((account, follower));
            }
            else
            {
                _states[(account, follower)] = (state, now + (long)stateLife.TotalMilliseconds);
            }

            _answers[(account, pushKey)] = (answer, now + (long)answerLife.TotalMilliseconds);
            if (_answers.Count > 100_000)
            {
                foreach (var old in _answers.Where(a => a.Value.Until <= now).Select(a => a.Key).ToList())
                {
                    _answers.Remove(old);
                }
            }
        }

        followers.Mark(account, follower, activeUntil);
        return Task.FromResult(new CommitResult(CommitOutcome.Committed));
    }

    /// <summary>States held (for tests: nothing outlives a flow).</summary>
    public int StateCount
    {
        get
        {
            lock (_gate)
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                return _states.Values.Count(s => s.Until > now);
            }
        }
    }
}
