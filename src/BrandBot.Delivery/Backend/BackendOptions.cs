namespace BrandBot.Delivery.Backend;

/// <summary>
/// The resilience settings shared by every brand backend (<c>BrandBot:Backends</c>); each backend
/// (scheme + host + port) gets its own circuit breaker with these settings.
/// </summary>
public sealed class BackendOptions
{
    /// <summary>Retries after a failure that is safe to repeat (connection refused, 429, 503), with jittered back-off.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The circuit opens when at least this share of calls in the sampling window failed…</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>…and at least this many calls were made in it.</summary>
    public int MinimumCalls { get; set; } = 5;

    public double SamplingSeconds { get; set; } = 30;

    /// <summary>How long an open circuit sends every call straight to the fallback.</summary>
    public double BreakSeconds { get; set; } = 30;
}
