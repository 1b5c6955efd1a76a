namespace BrandBot.Broadcasts;

/// <summary>Timings of broadcasts (<c>BrandBot:Broadcasts</c>, docs/configuration.md); validated by the host at start-up.</summary>
public sealed class BroadcastOptions
{
    /// <summary>How long a mass call may take before its outcome counts as unknown (then retried with the same key).</summary>
    public double SubmitTimeoutSeconds { get; set; } = 20;

    /// <summary>After a timeout or connection loss, the first retry (with the same key) waits this long.</summary>
    public double RetryAfterTimeoutSeconds { get; set; } = 10;

    /// <summary>45066 asks for a minute between two attempts with one key.</summary>
    public double RetryAfterTooFastSeconds { get; set; } = 60;

    /// <summary>Past this since its first attempt, a submission with no answer is shown, not retried: WeChat's key protects 24 hours.</summary>
    public double StuckAfterHours { get; set; } = 23;

    /// <summary>When no job-finish event came this long after a submission, mass/get is asked.</summary>
    public double PollAfterMinutes { get; set; } = 10;

    /// <summary>A scheduled broadcast found this late (every instance was down) waits for the operator instead.</summary>
    public double MissedGraceMinutes { get; set; } = 60;

    /// <summary>How long one sender holds a broadcast; renewed with each batch.</summary>
    public double LeaseSeconds { get; set; } = 120;

    /// <summary>WeChat's day (for the subscription account's one send a day and the 4-a-month rule) is Beijing time.</summary>
    public double QuotaUtcOffsetHours { get; set; } = 8;

    public TimeSpan SubmitTimeout => TimeSpan.FromSeconds(SubmitTimeoutSeconds);

    public TimeSpan RetryAfterTimeout => TimeSpan.FromSeconds(RetryAfterTimeoutSeconds);

    public TimeSpan RetryAfterTooFast => TimeSpan.FromSeconds(RetryAfterTooFastSeconds);

    public TimeSpan StuckAfter => TimeSpan.FromHours(StuckAfterHours);

    public TimeSpan PollAfter => TimeSpan.FromMinutes(PollAfterMinutes);

    public TimeSpan MissedGrace => TimeSpan.FromMinutes(MissedGraceMinutes);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan QuotaOffset => TimeSpan.FromHours(QuotaUtcOffsetHours);

    public IEnumerable<string> Problems(string section)
    {
        if (SubmitTimeoutSeconds is < 0.2 or > 120)
        {
            yield return $"{section}:SubmitTimeoutSeconds must be between 0.2 and 120 (got {SubmitTimeoutSeconds})";
        }

        if (RetryAfterTimeoutSeconds is < 0 or > 3600)
        {
            yield return $"{section}:RetryAfterTimeoutSeconds must be between 0 and 3600 (got {RetryAfterTimeoutSeconds})";
        }

        if (RetryAfterTooFastSeconds is < 60 or > 3600)
        {
            yield return $"{section}:RetryAfterTooFastSeconds must be between 60 and 3600: 45066 asks for a minute between two attempts (got {RetryAfterTooFastSeconds})";
        }

        if (StuckAfterHours is < 1 or > 23.5)
        {
            yield return $"{section}:StuckAfterHours must be between 1 and 23.5: WeChat's clientmsgid protects 24 hours (got {StuckAfterHours})";
        }

        if (PollAfterMinutes is < 1 or > 1440)
        {
            yield return $"{section}:PollAfterMinutes must be between 1 and 1440 (got {PollAfterMinutes})";
        }

        if (MissedGraceMinutes is < 0 or > 1440)
        {
            yield return $"{section}:MissedGraceMinutes must be between 0 and 1440 (got {MissedGraceMinutes})";
        }

        if (LeaseSeconds is < 30 or > 3600)
        {
            yield return $"{section}:LeaseSeconds must be between 30 and 3600, longer than one mass call (got {LeaseSeconds})";
        }

        if (QuotaUtcOffsetHours is < -12 or > 14)
        {
            yield return $"{section}:QuotaUtcOffsetHours must be between -12 and 14 (got {QuotaUtcOffsetHours})";
        }
    }
}
