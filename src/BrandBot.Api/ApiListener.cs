namespace BrandBot.Api;

/// <summary>
/// The API's own listener (<c>BrandBot:Api:Urls</c>): its ports serve <c>/api</c> and the health probes
/// only, and no other port serves <c>/api</c>. The host's one listener-separation step enforces it, by
/// the port a connection came in on, never by the Host header.
/// </summary>
public static class ApiListener
{
    /// <summary>What belongs to the API's listener.</summary>
    public const string PathPrefix = "/api";
}
