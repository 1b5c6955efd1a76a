namespace BrandBot.Delivery.Flows;

/// <summary>What the store holds for one follower and one push: the flow state and the push's answer, if it has one.</summary>
/// <param name="Answer">The answer stored for this push by the attempt that committed it (opaque bytes), or null.</param>
public sealed record FlowRead(FlowState? State, byte[]? Answer);

public enum CommitOutcome
{
    Committed,

    /// <summary>Another push of this follower changed the state since it was read: read again and decide again.</summary>
    Conflict,

    /// <summary>Another attempt of this push committed first: <see cref="CommitResult.Answer"/> is its answer.</summary>
    Answered,
}

public sealed record CommitResult(CommitOutcome Outcome, byte[]? Answer = null);

/// <summary>
/// Where flow states live: in Redis (shared by every instance) or in process (the embedded store).
/// Every change is one atomic step — the state compared by revision and written (or deleted), the
/// push's answer stored, the follower marked active — so a retry finds either nothing or both
/// (docs/flows-design.md §4.4, property 3), and concurrent pushes of one follower serialise.
/// </summary>
public interface IFlowStore
{
    Task<FlowRead> ReadAsync(string account, string follower, string pushKey, CancellationToken cancellationToken = default);

    /// <param name="expectedRev">The revision read (0: no state).</param>
    /// <param name="state">The new state (its Rev already expectedRev + 1), or null to delete it.</param>
    /// <param name="answer">The push's answer to keep for its retries.</param>
    /// <param name="replaceMark">True when the push's stored answer is this instance's own in-flight mark, to be replaced.</param>
    /// <param name="activeUntil">Until when (Unix ms) pushes of this follower must take the flow path on every instance.</param>
    Task<CommitResult> CommitAsync(
        string account, string follower, string pushKey, long expectedRev, FlowState? state, TimeSpan stateLife,
        byte[] answer, TimeSpan answerLife, bool replaceMark, long activeUntil, CancellationToken cancellationToken = default);
}

/// <summary>Answers stored by the flow path: an encoded reply, or the mark of a push whose backend call still runs.</summary>
public static class FlowAnswers
{
    /// <summary>The in-flight mark: a retry waits for the real answer instead of calling the backend again.</summary>
    public static readonly byte[] InFlight = "P"u8.ToArray();

    public static bool IsInFlight(byte[]? answer) => answer is [(byte)'P'];
}
