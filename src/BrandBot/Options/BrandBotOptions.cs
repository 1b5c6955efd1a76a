using BrandBot.Delivery.Backend;

namespace BrandBot.Options;

/// <summary>The <c>BrandBot</c> configuration section.</summary>
public sealed class BrandBotOptions
{
    public const string Section = "BrandBot";

    public List<AccountOptions> Accounts { get; set; } = [];

    /// <summary>Broadcast timings (docs/broadcasts.md, docs/configuration.md#broadcasts).</summary>
    public BrandBot.Broadcasts.BroadcastOptions Broadcasts { get; set; } = new();

    /// <summary>StackExchange.Redis configuration string; empty means the embedded in-memory store.</summary>
    public string? Redis { get; set; }

    /// <summary>Push bodies above this many bytes are refused with 413 without being read.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How often each instance compares its live rules version with the store's, catching up on any
    /// pub/sub notification it missed (restart, network blip).
    /// </summary>
    public double RulesCatchUpSeconds { get; set; } = 5;

    /// <summary>Statistics are counted per day at this UTC offset (default +8, China Standard Time).</summary>
    public double StatsUtcOffsetHours { get; set; } = 8;

    /// <summary>Key for the hash that stands in for OpenIDs in logs; a random per-process key when empty.</summary>
    public string? LogHashKey { get; set; }

    /// <summary>
    /// Where the WeChat API lives (token and customer-service calls). Tests and air-gapped setups
    /// point it at a stand-in.
    /// </summary>
    public string WeChatApiBaseUrl { get; set; } = "https://api.weixin.qq.com";

    /// <summary>
    /// How long a push may take before BrandBot answers <c>success</c> and delivers the reply
    /// through the customer-service API instead (WeChat gives up after 5 s).
    /// </summary>
    public int PushBudgetMilliseconds { get; set; } = 4000;

    /// <summary>How long a push's answer is kept for WeChat's retries (at least 60 s).</summary>
    public int DedupSeconds { get; set; } = 60;

    /// <summary>Pushes whose timestamp is further than this from now are refused; 0 switches the check off.</summary>
    public int ReplayWindowSeconds { get; set; } = 600;

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>
    /// How long the records of pushes answered without waiting gather before they are written to Redis
    /// (0, the default: as soon as the previous write is done). Larger batches, fewer calls; a process
    /// killed within this time after answering loses those pushes' counts unless WeChat retries.
    /// </summary>
    public int WriteBehindLingerMilliseconds { get; set; }

    /// <summary>
    /// Rounds of synthetic pushes rehearsed before the host listens, so the first real ones run compiled
    /// code (docs/performance.md); 0 switches the warm-up off.
    /// </summary>
    public int WarmUpRounds { get; set; } = 300;

    /// <summary>A path prefix the proxy serves BrandBot under (e.g. <c>/bot</c>): <c>/bot/wechat/{account}</c>.</summary>
    public string? PathBase { get; set; }

    /// <summary>
    /// Proxies (addresses or CIDR ranges) whose X-Forwarded-For/-Proto headers are believed; empty
    /// means none are (the connection address stands). Nothing in BrandBot grants access by address.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// An OpenTelemetry collector (OTLP over HTTP, e.g. <c>http://otel-collector:4318</c>): traces of the
    /// request path are exported there. Empty: no tracing (also read from OTEL_EXPORTER_OTLP_ENDPOINT).
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Files here are settings (see SecretFiles); default <c>/run/secrets/brandbot</c>.</summary>
    public string? SecretsDirectory { get; set; }

    /// <summary>Resilience settings for brand backends (webhook replies).</summary>
    public BackendOptions Backends { get; set; } = new();

    /// <summary>The operator dashboard (off unless <c>BrandBot:Dashboard:Urls</c> is set).</summary>
    public BrandBot.Dashboard.DashboardOptions Dashboard { get; set; } = new();

    /// <summary>Where <c>/metrics</c> and <c>/selftest</c> answer (<c>BrandBot:Metrics:Urls</c>).</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>The outbound-messages API (off unless <c>BrandBot:Api:Urls</c> is set).</summary>
    public BrandBot.Api.ApiOptions Api { get; set; } = new();

    /// <summary>How outbound messages are sent: window allowances, leases, retries.</summary>
    public BrandBot.Outbound.OutboundOptions Outbound { get; set; } = new();
}

/// <summary>
/// <c>BrandBot:RateLimit</c>: rule-triggering messages beyond these counts get <c>success</c>
/// (follow events are never limited). A count of 0 switches that limit off.
/// </summary>
public sealed class RateLimitOptions
{
    public int PerFollower { get; set; } = 30;

    public int PerFollowerWindowSeconds { get; set; } = 60;

    public int PerAccount { get; set; }

    public int PerAccountWindowSeconds { get; set; } = 1;

    /// <summary>How often each instance adds its counts to the shared windows in Redis and reads the totals back.</summary>
    public int SyncMilliseconds { get; set; } = 100;
}
