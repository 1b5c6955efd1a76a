using BrandBot.Account;
using BrandBot.Account.Tagging;
using BrandBot.Dashboard;
using BrandBot.Delivery;
using BrandBot.Flows;
using BrandBot.Rules.Flows;
using BrandBot.Delivery.Backend;
using BrandBot.Delivery.Dedup;
using BrandBot.Delivery.Limits;
using BrandBot.WeChatApi.Tokens;
using BrandBot.WeChatApi;
using BrandBot.Logging;
using BrandBot.Metrics;
using BrandBot.Options;
using BrandBot.Redis;
using BrandBot.Rules;
using BrandBot.Rules.Stats;
using BrandBot.Rules.Store;
using BrandBot.Webhook;
using BrandBot.WarmUp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BrandBot.Hosting;

/// <summary>Builds the web host. Program and the integration tests use the same wiring.</summary>
public static class BrandBotApp
{
    /// <summary>
    /// Creates the application. <paramref name="args"/> may carry <c>--settings FILE</c>, a JSON file
    /// layered under environment variables and the command line (which keep the last word).
    /// Every configuration problem — including an unreachable Redis — is reported in one
    /// <see cref="OptionsValidationException"/>, one line each.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The same pipeline in every environment: no developer exception page anywhere.
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production",
        });
        AddSettingsFile(builder.Configuration, args);
        // ASP.NET's request lines carry the full query string (openid, signatures): never log them,
        // whatever level an operator configures.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        configure?.Invoke(builder);

        var options = new BrandBotOptions();
        builder.Configuration.GetSection(BrandBotOptions.Section).Bind(options);
        options.OtlpEndpoint ??= builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var webhookUrls = DashboardListener.WebhookUrls(builder.Configuration);
        var problems = BrandBotOptionsValidator.Problems(options)
            .Concat(DashboardOptionsValidator.Problems(options.Dashboard, [.. webhookUrls.Select(DashboardListener.PortOf).Where(p => p > 0)]))
            .ToList();
        ConnectionMultiplexer? redis = null;
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            (redis, var problem) = await RedisConnection.ConnectAsync(options.Redis);
            if (problem is not null)
            {
                problems.Add($"{BrandBotOptions.Section}:Redis {problem}");
            }
        }

        if (problems.Count > 0)
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }

            throw new OptionsValidationException(BrandBotOptions.Section, typeof(BrandBotOptions), problems);
        }

        builder.Services.AddBrandBot(redis, options);
        if (options.Dashboard.Enabled)
        {
            DashboardListener.Listen(builder.WebHost, webhookUrls, options.Dashboard);
            builder.Services.AddDashboard(options.Dashboard);
        }

        builder.Services.Configure<HostOptions>(host =>
            // SIGTERM: Kestrel stops accepting, pushes in flight finish within their budget, follow-up
            // sends drain; only then does the process exit.
            host.ShutdownTimeout = TimeSpan.FromMilliseconds(options.PushBudgetMilliseconds) + FollowUps.DrainBound + TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.UseProxyAwareness(options);
        app.MapHealth();
        if (options.Dashboard.Enabled)
        {
            app.MapDashboard(options.Dashboard);
        }

        app.MapMetrics();
        SeedMetrics(app.Services, options, redis is not null);
        app.MapWebhook();
        return app;
    }

    /// <summary>
    /// Runs every <see cref="IStartupCheck"/> (all of them, so every problem is reported at once), then
    /// starts the host. Program and the test servers start the application this way.
    /// </summary>
    /// <exception cref="StartupProblemsException">Every problem the checks found, one line each.</exception>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        foreach (var check in app.Services.GetServices<IStartupCheck>())
        {
            try
            {
                await check.RunAsync(cancellationToken);
            }
            catch (StartupProblemsException found)
            {
                problems.AddRange(found.Problems);
            }
        }

        if (problems.Count > 0)
        {
            throw new StartupProblemsException(problems);
        }

        // Rules are live now; rehearse the push path before the host listens, so /readyz (and the
        // first follower) only ever see compiled code.
        await app.Services.GetRequiredService<PushPathWarmUp>().RunAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        app.Services.GetRequiredService<RulesFileService>().ReleaseStartupGarbage();
    }

    /// <summary>Zero on every series whose labels the settings already tell, so dashboards start with flat lines.</summary>
    private static void SeedMetrics(IServiceProvider services, BrandBotOptions options, bool redis)
    {
        var metrics = services.GetRequiredService<BrandBotMetrics>();
        foreach (var account in options.Accounts)
        {
            metrics.SeedAccount(account.Name);
        }

        if (redis)
        {
            metrics.SeedStoreOperations(RedisPushGate.Operations);
        }
    }

    public static IServiceCollection AddBrandBot(this IServiceCollection services, IConnectionMultiplexer? redis, BrandBotOptions options)
    {
        var statsOffset = TimeSpan.FromHours(options.StatsUtcOffsetHours);
        // Validated once, in BuildAsync, before the host exists (together with Redis reachability).
        services.AddOptions<BrandBotOptions>().BindConfiguration(BrandBotOptions.Section);
        // Time and randomness are inputs (STYLE.md §7): tests register their own before this runs.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEntropy, SystemEntropy>();
        services.TryAddSingleton(Random.Shared);
        services.AddSingleton<FollowerHasher>();
        services.AddSingleton<PushPathWarmUp>();
        services.AddSingleton<RejectionLog>();
        services.AddSingleton<AccountDirectory>();
        services.AddSingleton<HitRecorder>();
        services.AddSingleton<LiveRuleSets>();
        services.AddSingleton<FlowFollowers>();
        if (redis is null)
        {
            services.AddSingleton<IRuleStore, InMemoryRuleStore>();
            services.AddSingleton<IHitStats>(sp => new InMemoryHitStats(sp.GetRequiredService<TimeProvider>(), statsOffset));
            services.AddSingleton<IPushGate>(sp => sp.GetRequiredService<InMemoryPushGate>());
            services.AddSingleton<IPushLedger, InMemoryPushLedger>();
            services.AddSingleton(sp => new RateLimiter(Limits(options), null, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<ITokenStore, InMemoryTokenStore>();
            services.AddSingleton<ITagQueue, InMemoryTagQueue>();
            services.AddSingleton<IFlowStore, InMemoryFlowStore>();
            services.AddSingleton<IOperatorAudit, InMemoryOperatorAudit>();
            services.AddSingleton<IInstanceVersions, InMemoryInstanceVersions>();
        }
        else
        {
            // One multiplexer per process, disposed with the container.
            services.AddSingleton<IConnectionMultiplexer>(_ => redis);
            services.AddSingleton<IRuleStore, RedisRuleStore>();
            services.AddSingleton<IHitStats>(sp => new RedisHitStats(redis, sp.GetRequiredService<TimeProvider>(), statsOffset));
            services.AddSingleton<IPushGate, RedisPushGate>();
            services.AddSingleton<IPushLedger>(sp => new RedisPushLedger(
                redis, sp.GetRequiredService<InMemoryPushGate>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IDeliveryObserver>(), TimeSpan.FromMilliseconds(options.WriteBehindLingerMilliseconds)));
            services.AddSingleton(sp => new RateLimiter(
                Limits(options), new RedisRateWindows(redis, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IDeliveryObserver>()), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<ITokenStore, RedisTokenStore>();
            services.AddSingleton<ITagQueue>(_ => new RedisTagQueue(redis));
            services.AddSingleton(sp => new RedisFlowStore(redis, sp.GetRequiredService<FlowFollowers>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IFlowStore>(sp => sp.GetRequiredService<RedisFlowStore>());
            services.AddHostedService<FlowListenService>();
            services.AddSingleton<IOperatorAudit>(_ => new RedisOperatorAudit(redis));
            services.AddSingleton<IInstanceVersions>(sp => new RedisInstanceVersions(redis, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<BrandBot.Account.Planning.IAccountRecords>(_ => new RedisAccountRecords(redis));
        }

        services.AddDelivery(options);
        services.AddTelemetry(options);

        services.AddSingleton<RulePublisher>();
        services.AddSingleton<RulesActivator>();
        services.AddSingleton<RulesFileService>();
        services.AddSingleton<IStartupCheck>(sp => sp.GetRequiredService<RulesFileService>());
        services.AddHostedService(sp => sp.GetRequiredService<RulesFileService>());
        services.AddHostedService<RulesCatchUpService>();
        services.AddHostedService<InstanceVersionReporter>();
        services.AddHostedService<StatsFlushService>();
        services.AddSingleton<ITaggingObserver, TaggingEvents>();
        services.AddSingleton<Tagger>();
        services.AddHostedService<TaggingService>();
        services.AddSingleton<PushProcessor>();
        // Last, so it stops first: queued push records are written before the statistics' last flush.
        services.AddHostedService(sp => new WriteBehindService(
            sp.GetRequiredService<IPushLedger>(), sp.GetRequiredService<RateLimiter>(), TimeSpan.FromMilliseconds(options.RateLimit.SyncMilliseconds),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WriteBehindService>>()));
        return services;
    }

    /// <summary>The dashboard's own services; only registered when it is on.</summary>
    private static void AddDashboard(this IServiceCollection services, DashboardOptions dashboard)
    {
        services.AddSingleton(dashboard);
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton<HealthWatch>();
        services.AddSingleton<LiveDefinition>();
    }

    private static RateLimits Limits(BrandBotOptions options) => new(
        options.RateLimit.PerFollower, options.RateLimit.PerFollowerWindowSeconds, options.RateLimit.PerAccount, options.RateLimit.PerAccountWindowSeconds);

    /// <summary>
    /// Forwarded headers from the configured proxies only, then the path base, then routing (which
    /// must come after the path base is stripped). No HTTPS redirection and no trailing-slash rewrite
    /// anywhere: WeChat does not follow redirects (peers.md §3.6).
    /// </summary>
    private static void UseProxyAwareness(this WebApplication app, BrandBotOptions options)
    {
        if (options.TrustedProxies.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                ForwardLimit = null,
            };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var entry in options.TrustedProxies)
            {
                TrustedNetwork.TryParse(entry, out var network);
                forwarded.KnownIPNetworks.Add(network);
            }

            app.UseForwardedHeaders(forwarded);
        }

        if (!string.IsNullOrEmpty(options.PathBase))
        {
            app.UsePathBase(options.PathBase);
        }

        // After the path base is stripped, so "/bot/admin" on the webhook's port is refused like "/admin".
        // Only with a dashboard: without one no /admin route exists, and a webhook request pays nothing.
        if (options.Dashboard.Enabled)
        {
            app.UsePortSeparation(options.Dashboard.UrlList.Select(DashboardListener.PortOf).ToHashSet());
        }

        app.UseRouting();
    }

    /// <summary>Exactly-once answers: the push gate, brand backends, tokens and customer-service sends (issue 5).</summary>
    private static void AddDelivery(this IServiceCollection services, BrandBotOptions options)
    {
        var apiBase = options.WeChatApiBaseUrl.EndsWith('/') ? options.WeChatApiBaseUrl : options.WeChatApiBaseUrl + "/";
        services.AddHttpClient(WeChatApiClient.HttpClientName, client =>
        {
            client.BaseAddress = new Uri(apiBase);
            client.Timeout = TimeSpan.FromSeconds(15);
        });
        // Backend calls are bounded by their pipeline's per-attempt timeout, not by HttpClient's.
        services.AddHttpClient(BackendClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(options.Backends);
        services.AddSingleton<DeliveryEvents>();
        services.AddSingleton<IDeliveryObserver>(sp => sp.GetRequiredService<DeliveryEvents>());
        services.AddSingleton<IWeChatApiObserver>(sp => sp.GetRequiredService<DeliveryEvents>());
        services.AddSingleton<InMemoryPushGate>();
        services.AddSingleton<WeChatApiClient>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<CustomerService>();
        services.AddSingleton<BackendClient>();
        services.AddSingleton<ReplyResolver>();
        services.AddSingleton<PushEffects>();
        services.AddSingleton<FlowAnswerer>();
        services.AddSingleton<PushAnswerer>();
        services.AddSingleton<FollowUps>();
        services.AddHostedService(sp => sp.GetRequiredService<FollowUps>());
    }

    /// <summary>
    /// Adds the JSON file named by <c>--settings</c> and the secret files, then re-adds env and the
    /// command line on top of them (they keep the last word).
    /// </summary>
    public static void AddSettingsFile(IConfigurationManager configuration, string[] args)
    {
        var index = Array.IndexOf(args, "--settings");
        if (index >= 0 && index + 1 < args.Length)
        {
            var path = Path.GetFullPath(args[index + 1]);
            if (!File.Exists(path))
            {
                throw new StartupProblemsException([$"--settings file '{args[index + 1]}' does not exist (resolved to {path})"]);
            }

            configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        SecretFiles.Add(configuration);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }
}
