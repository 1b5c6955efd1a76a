namespace BrandBot.Options;

/// <summary>
/// <c>BrandBot:Metrics</c>: where <c>/metrics</c> and <c>/selftest</c> answer. Set: on these URLs only (a
/// listener of their own, for Prometheus on a private network: the production choice). Unset with a
/// dashboard: on the dashboard's listener. Unset without one: on the webhook's port as before, for a
/// single-port setup whose proxy forwards only <c>/wechat/</c> (docs/configuration.md).
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "BrandBot:Metrics";

    /// <summary>e.g. <c>http://10.0.0.5:9464</c> (several separated by <c>;</c>), each with an explicit port.</summary>
    public string? Urls { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Urls);

    public IReadOnlyList<string> UrlList =>
        (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
