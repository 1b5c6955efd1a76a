namespace BrandBot.Delivery.Limits;

/// <summary>
/// A push's standing against the rate limits, decided from this instance's counts.
/// <see cref="Hot"/>: the follower or the account is near a limit (or was, or another instance says so),
/// so other instances may judge this push differently: count it exactly and consult the push's record
/// before answering, so a retry of a limited push is limited too and a retry of an answered one is answered.
/// </summary>
public readonly record struct RateVerdict(LimitScope? LimitedBy, bool Hot, RateCounter? Follower, long FollowerWindow, RateCounter? Account, long AccountWindow)
{
    public static RateVerdict Clear => default;

    public bool IsLimited => LimitedBy is not null;
}
