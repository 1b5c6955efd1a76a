using BrandBot.Account.Tagging;
using BrandBot.Api;
using BrandBot.Dashboard;
using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Dedup;
using BrandBot.Delivery.Flows;
using BrandBot.Delivery.Limits;
using BrandBot.Delivery.Pipeline;
using BrandBot.Delivery.WarmUp;
using BrandBot.Metrics;
using BrandBot.Options;
using BrandBot.Redis;
using BrandBot.Rules.Stats;
using BrandBot.Rules.Store;
using BrandBot.Services;
using BrandBot.WeChatApi.Tokens;
using BrandBot.Webhook;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
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
        SettingsLoader.AddSettingsFile(builder.Configuration, args);
        // ASP.NET's request lines carry the full query string (openid, signatures): never log them,
        // whatever level an operator configures.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        configure?.Invoke(builder);

        var options = new BrandBotOptions();
        builder.Configuration.GetSection(BrandBotOptions.Section).Bind(options);
        options.OtlpEndpoint ??= builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var webhookUrls = DashboardListener.WebhookUrls(builder.Configuration);
        // Each listener's validator is told the ports of the listeners before it, so no two share one.
        int[] webhookPorts = [.. Ports(webhookUrls)];
        int[] dashboardPorts = [.. Ports(options.Dashboard.UrlList)];
        var problems = BrandBotOptionsValidator.Problems(options)
            .Concat(DashboardOptionsValidator.Problems(options.Dashboard, webhookPorts))
            .Concat(MetricsOptionsValidator.Problems(options.Metrics, webhookPorts, dashboardPorts))
            .Concat(ApiOptionsValidator.Problems(options.Api, [.. webhookPorts, .. dashboardPorts, .. Ports(options.Metrics.UrlList)], [.. options.Accounts.Select(a => a.Name)]))
            .Concat(options.Api.Enabled ? options.Outbound.Problems() : [])
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
        builder.Services.AddSingleton(new ListenerUrls([.. webhookUrls, .. options.Dashboard.UrlList, .. options.Metrics.UrlList, .. options.Api.UrlList]));
        Listeners.Listen(builder.WebHost, webhookUrls, options);
        if (options.Dashboard.Enabled)
        {
            builder.Services.AddDashboard(options.Dashboard, new DashboardHost(BrandBotMetrics.MeterName, StoreStateOf(redis)));
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
        if (options.Api.Enabled)
        {
            app.MapApi();
        }

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
        await ListenAsync(app, cancellationToken);
        app.Services.GetRequiredService<RulesFileService>().ReleaseStartupGarbage();
    }

    /// <summary>
    /// Starts the listeners. A port another process holds is a start-up problem like any other — one line
    /// naming the address, exit 2 — not Kestrel's stack trace; the same for every listener.
    /// </summary>
    private static async Task ListenAsync(WebApplication app, CancellationToken cancellationToken)
    {
        if (BusyAddress.Find(app.Services.GetRequiredService<ListenerUrls>().Urls).ToList() is { Count: > 0 } busy)
        {
            throw new StartupProblemsException(busy);
        }

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            throw new StartupProblemsException([BusyAddress.Describe(ex)]);
        }
    }

    /// <summary>Every address the host will listen on: the webhook's, the dashboard's, the metrics listener's, the API's.</summary>
    private sealed record ListenerUrls(IReadOnlyList<string> Urls);

    /// <summary>The ports of listener URLs that parse (a URL that does not is its own validator's problem).</summary>
    private static IEnumerable<int> Ports(IEnumerable<string> urls) => urls.Select(DashboardListener.PortOf).Where(port => port > 0);

    private static Func<StoreState> StoreStateOf(IConnectionMultiplexer? redis) =>
        redis is null ? () => StoreState.Embedded : () => redis.IsConnected ? StoreState.Redis : StoreState.RedisUnreachable;

    /// <summary>Zero on every series whose labels the settings already tell, so dashboards start with flat lines.</summary>
    private static void SeedMetrics(IServiceProvider services, BrandBotOptions options, bool redis)
    {
        var metrics = services.GetRequiredService<BrandBotMetrics>();
        // Made now, not at the first send: its constructor declares the outbound series.
        services.GetRequiredService<OutboundEvents>();
        foreach (var account in options.Accounts)
        {
            metrics.SeedAccount(account.Name);
        }

        if (redis)
        {
            metrics.SeedStoreOperations(RedisPushGate.Operations);
        }
    }

    /// <summary>
    /// Forwarded headers from the configured proxies only, then the path base, then routing (which
    /// must come after the path base is stripped). No HTTPS redirection and no trailing-slash rewrite
    /// anywhere: WeChat does not follow redirects (docs/peers.md §3.6).
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
        // Only with a dashboard, metrics or API listener: without one, a webhook request pays nothing.
        Listeners.UseSeparation(app, options);

        app.UseRouting();
    }
}
