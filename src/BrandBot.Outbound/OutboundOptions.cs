using BrandBot.Outbound.Windows;

namespace BrandBot.Outbound;

/// <summary>
/// <c>BrandBot:Outbound</c>: how messages are sent (docs/configuration.md#settings). The host
/// validates these at start-up; defaults follow WeChat's current rules.
/// </summary>
public sealed class OutboundOptions
{
    public const string Section = "BrandBot:Outbound";

    /// <summary>Customer-service sends allowed after a follower's message…</summary>
    public int WindowMessages { get; set; } = 5;

    /// <summary>…within this many hours of it.</summary>
    public double WindowHours { get; set; } = 48;

    /// <summary>Sends allowed after a follow, a QR scan or a menu click…</summary>
    public int ActionMessages { get; set; } = 3;

    /// <summary>…within this many seconds of it.</summary>
    public int ActionSeconds { get; set; } = 60;

    /// <summary>How long a sender holds a message; a dead instance's messages are taken up after this.</summary>
    public int LeaseSeconds { get; set; } = 15;

    /// <summary>How long one WeChat call may take before its fate counts as unknown; below the lease.</summary>
    public int SendTimeoutSeconds { get; set; } = 10;

    /// <summary>WeChat calls per message before it is given up (transient errors, lost answers of templates).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Messages of one account sent at the same time by one instance.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How often an idle instance looks for due messages (another instance's, or a retry).</summary>
    public int PollMilliseconds { get; set; } = 250;

    public WindowRules Window() => new(WindowMessages, TimeSpan.FromHours(WindowHours), ActionMessages, TimeSpan.FromSeconds(ActionSeconds));

    /// <summary>One line per problem, naming the setting.</summary>
    public IEnumerable<string> Problems()
    {
        const string at = Section;
        if (WindowMessages is < 0 or > 1000)
        {
            yield return $"{at}:WindowMessages must be between 0 and 1000 (got {WindowMessages})";
        }

        if (WindowHours is <= 0 or > 720)
        {
            yield return $"{at}:WindowHours must be above 0 and at most 720 (got {WindowHours})";
        }

        if (ActionMessages is < 0 or > 1000)
        {
            yield return $"{at}:ActionMessages must be between 0 and 1000 (got {ActionMessages})";
        }

        if (ActionSeconds is < 1 or > 86400)
        {
            yield return $"{at}:ActionSeconds must be between 1 and 86400 (got {ActionSeconds})";
        }

        if (LeaseSeconds is < 2 or > 25)
        {
            yield return $"{at}:LeaseSeconds must be between 2 and 25, so a dead instance's messages are taken up within 30 s (got {LeaseSeconds})";
        }

        if (SendTimeoutSeconds < 1 || SendTimeoutSeconds >= LeaseSeconds)
        {
            yield return $"{at}:SendTimeoutSeconds must be at least 1 and below LeaseSeconds ({LeaseSeconds}) (got {SendTimeoutSeconds})";
        }

        if (MaxAttempts is < 1 or > 100)
        {
            yield return $"{at}:MaxAttempts must be between 1 and 100 (got {MaxAttempts})";
        }

        if (Concurrency is < 1 or > 64)
        {
            yield return $"{at}:Concurrency must be between 1 and 64 (got {Concurrency})";
        }

        if (PollMilliseconds is < 10 or > 10_000)
        {
            yield return $"{at}:PollMilliseconds must be between 10 and 10000 (got {PollMilliseconds})";
        }
    }
}
