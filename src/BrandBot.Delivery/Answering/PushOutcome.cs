using BrandBot.Delivery.Dedup;
using BrandBot.Rules.Matching;

namespace BrandBot.Delivery.Answering;

/// <summary>
/// What to answer a push with, and what (if anything) to send after the answer is written.
/// <paramref name="Route"/> and <paramref name="Note"/> say why, for the log (formatted only when
/// debug logging is on): the routing decision, and "replayed", "rate-limited", "over budget", ….
/// </summary>
public readonly record struct PushOutcome(RememberedAnswer Answer, RouteResult? Route, string? Note = null, Func<CancellationToken, Task>? FollowUp = null)
{
    public string Describe()
    {
        var how = Route is null ? "" : Route.RuleName is null ? Route.Kind.ToString() : $"{Route.Kind} {Route.RuleName}";
        return Note is null ? how : how.Length == 0 ? Note : $"{how} ({Note})";
    }
}
