using BrandBot.Account.Planning;
using BrandBot.Account.QrCodes;
using BrandBot.Delivery;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;
using BrandBot.Rules.Stats;
using BrandBot.Rules.Store;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.Dashboard;

/// <summary>
/// The read side of <c>/admin/api</c>: figures per page, from the same statistics store every instance
/// writes (so every instance answers the same). No answer carries an OpenID or a follower hash — the
/// store holds none — and follower texts are masked (<see cref="TextMask"/>).
/// </summary>
public static class DashboardApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/session", Session);
        api.MapGet("/overview", OverviewAsync);
        api.MapGet("/growth", GrowthAsync);
        api.MapGet("/channels", ChannelsAsync);
        api.MapGet("/channels/{scene}/qr.{format}", QrAsync);
        api.MapGet("/keywords", KeywordsAsync);
        api.MapGet("/unanswered", UnansweredAsync);
        api.MapGet("/rules", RulesAsync);
        api.MapGet("/rules/versions/{version:long}", VersionAsync);
        api.MapGet("/rules/test", TestText);
        api.MapGet("/health", Health);
        api.MapGet("/audit", AuditAsync);
    }

    /// <summary>The account a request asks about (<c>?account=</c>, default the first configured).</summary>
    internal static WeChatAccount? AccountOf(HttpContext context, string? name = null)
    {
        var accounts = context.RequestServices.GetRequiredService<AccountDirectory>();
        name ??= context.Request.Query["account"].FirstOrDefault();
        return string.IsNullOrEmpty(name) ? accounts.All.FirstOrDefault() : accounts.Find(name);
    }

    /// <summary>The account and days a statistics page asks about, or the answer refusing them (404, 400).</summary>
    internal static IResult? AccountAndWindow(HttpContext context, out WeChatAccount account, out StatsWindow window)
    {
        window = null!;
        if (AccountOf(context) is not { } found)
        {
            account = null!;
            return UnknownAccount(context);
        }

        account = found;
        return StatsWindow.TryParse(context.Request, Today(context), out window, out var error)
            ? null
            : DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, error!);
    }

    /// <summary>A page's table as a CSV download, audited (who exported what, for which days).</summary>
    private static async Task<IResult> ExportAsync(HttpContext context, string table, WeChatAccount account, StatsWindow window, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        await context.AuditAsync(context.Session().Who, "export", account.Name, $"{table} {window.From:yyyy-MM-dd}..{window.To:yyyy-MM-dd}");
        return Csv.File($"{table}-{account.Name}-{window.From:yyyyMMdd}-{window.To:yyyyMMdd}.csv", header, rows);
    }

    /// <summary>404 naming the accounts there are, so a mistyped <c>?account=</c> says what to type.</summary>
    internal static IResult UnknownAccount(HttpContext context, string? name = null) => DashboardEndpoints.Problem(
        StatusCodes.Status404NotFound,
        $"no account named '{name ?? context.Request.Query["account"]}'; accounts: {string.Join(", ", context.RequestServices.GetRequiredService<AccountDirectory>().All.Select(a => a.Name))}");

    private static DateOnly Today(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<DeliveryOptions>();
        return StatsDay.Of(context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), TimeSpan.FromHours(options.StatsUtcOffsetHours));
    }

    private static IResult Session(HttpContext context, AccountDirectory accounts, DashboardOptions dashboard, DeliveryOptions options)
    {
        var session = context.Session();
        return Results.Json(new
        {
            role = session.Role,
            who = session.Who,
            named = session.Named,
            readOnly = dashboard.ReadOnly,
            canWrite = !dashboard.ReadOnly && session.Role == DashboardSessions.Editor,
            csrf = session.CsrfToken,
            accounts = accounts.All.Select(a => a.Name),
            today = Today(context),
            statsUtcOffsetHours = options.StatsUtcOffsetHours,
            keptDays = StatsWindow.KeptDays,
            defaultDays = StatsWindow.DefaultDays,
        });
    }

    private static object Figures(DailyStats day) => new
    {
        day = day.Day,
        follows = day.Follows,
        unfollows = day.Unfollows,
        net = day.Follows - day.Unfollows,
        messages = day.Messages,
        unanswered = day.UnansweredTotal,
        ruleHits = day.RuleHits.Values.Sum(),
        scans = day.Scans.Values.Sum(),
    };

    /// <summary>Today (live) and yesterday, each with the same figures 1, 7 and 30 days before it.</summary>
    private static async Task<IResult> OverviewAsync(HttpContext context, IHitStats stats, CancellationToken cancellationToken)
    {
        if (AccountOf(context) is not { } account)
        {
            return UnknownAccount(context);
        }

        var today = Today(context);
        int[] back = [0, 1, 2, 7, 8, 30, 31];
        var days = await Task.WhenAll(back.Select(b => stats.ReadAsync(account.Name, today.AddDays(-b), 1, cancellationToken)));
        var byAgo = back.Zip(days).ToDictionary(p => p.First, p => p.Second);
        object Day(int ago) => new
        {
            figures = Figures(byAgo[ago]),
            compare = new { d1 = Figures(byAgo[ago + 1]), d7 = Figures(byAgo[ago + 7]), d30 = Figures(byAgo[ago + 30]) },
        };
        return Results.Json(new { account = account.Name, today = Day(0), yesterday = Day(1) });
    }

    private static async Task<IResult> GrowthAsync(HttpContext context, IHitStats stats, CancellationToken cancellationToken)
    {
        if (AccountAndWindow(context, out var account, out var window) is { } refused)
        {
            return refused;
        }

        var daily = await window.ReadAsync(stats, account.Name, 1, cancellationToken);
        if (Csv.Wanted(context.Request))
        {
            return await ExportAsync(context, "growth", account, window, ["day", "follows", "unfollows", "net", "messages", "unanswered"],
                daily.Select(d => (IReadOnlyList<object?>)[d.Day, d.Follows, d.Unfollows, d.Follows - d.Unfollows, d.Messages, d.UnansweredTotal]));
        }

        return Results.Json(new { account = account.Name, from = window.From, to = window.To, rows = daily.Select(Figures) });
    }

    private static async Task<IResult> ChannelsAsync(HttpContext context, IHitStats stats, CancellationToken cancellationToken)
    {
        if (AccountAndWindow(context, out var account, out var window) is { } refused)
        {
            return refused;
        }

        var channels = StatsReport.Channels(await window.ReadAsync(stats, account.Name, 1, cancellationToken), window.Today);
        var codes = context.RequestServices.GetService<IAccountRecords>() is { } records
            ? await records.GetCodesAsync(account.Name, cancellationToken)
            : new Dictionary<string, MintedCode>();
        var definition = await context.RequestServices.GetRequiredService<LiveDefinition>().GetAsync(account.Name, cancellationToken);
        var declared = definition?.Follow?.Scenes.Keys ?? [];
        // Scenes declared in the rules but not scanned yet show as rows of zeros: a new poster is visible at once.
        var rows = channels.Concat(declared.Where(s => channels.All(c => c.Scene != s)).Order(StringComparer.Ordinal)
            .Select(s => new ChannelFigures(s, 0, 0, 0, 0, null, null, null))).ToList();
        if (Csv.Wanted(context.Request))
        {
            return await ExportAsync(context, "channels", account, window, ["scene", "scans", "follows", "unfollows", "net", "retained_1d", "retained_7d", "retained_30d"],
                rows.Select(c => (IReadOnlyList<object?>)[c.Scene, c.Scans, c.Follows, c.Unfollows, c.Net, c.Retained1d, c.Retained7d, c.Retained30d]));
        }

        return Results.Json(new
        {
            account = account.Name,
            from = window.From,
            to = window.To,
            rows = rows.Select(c => new
            {
                scene = c.Scene, scans = c.Scans, follows = c.Follows, unfollows = c.Unfollows, net = c.Net,
                retained1d = c.Retained1d, retained7d = c.Retained7d, retained30d = c.Retained30d,
                code = codes.TryGetValue(c.Scene, out var code) ? new { permanent = code.Permanent, expiresAt = code.ExpiresAt } : null,
            }),
        });
    }

    /// <summary>The scene's minted code drawn as PNG or SVG (the same image <c>account qr</c> writes).</summary>
    private static async Task<IResult> QrAsync(string scene, string format, HttpContext context, CancellationToken cancellationToken)
    {
        if (AccountOf(context) is not { } account)
        {
            return UnknownAccount(context);
        }

        if (format is not ("png" or "svg"))
        {
            return DashboardEndpoints.Problem(StatusCodes.Status404NotFound, "the code is drawn as png or svg");
        }

        var records = context.RequestServices.GetService<IAccountRecords>();
        var codes = records is null ? null : await records.GetCodesAsync(account.Name, cancellationToken);
        if (codes?.GetValueOrDefault(scene) is not { } code)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status404NotFound, $"no code minted for scene '{scene}': declare qr: under the scene and run account apply (needs Redis)");
        }

        var svg = format == "svg";
        return Results.File(QrImage.Render(code.Url, svg), svg ? "image/svg+xml" : "image/png", $"{account.Name}-{scene}.{format}");
    }

    private static async Task<IResult> KeywordsAsync(HttpContext context, IHitStats stats, LiveDefinition live, CancellationToken cancellationToken)
    {
        if (AccountAndWindow(context, out var account, out var window) is { } refused)
        {
            return refused;
        }

        var daily = await window.ReadAsync(stats, account.Name, 1, cancellationToken);
        var hits = StatsReport.Sum(daily.Select(d => d.RuleHits)).ToList();
        var total = hits.Sum(h => h.Value);
        var names = (await live.GetAsync(account.Name, cancellationToken))?.Rules.Select(r => r.Name).ToList() ?? [];
        var rules = hits.Select(h => new { rule = h.Key, hits = h.Value, share = total == 0 ? 0 : Math.Round(100.0 * h.Value / total, 2) }).ToList();
        if (Csv.Wanted(context.Request))
        {
            return await ExportAsync(context, "keywords", account, window, ["rule", "hits", "share_percent"],
                rules.Select(r => (IReadOnlyList<object?>)[r.rule, r.hits, r.share]));
        }

        return Results.Json(new
        {
            account = account.Name,
            from = window.From,
            to = window.To,
            rules,
            noHits = names.Where(n => hits.All(h => h.Key != n)).Order(StringComparer.Ordinal),
            menu = StatsReport.Sum(daily.Select(d => d.MenuClicks)).Select(p => new { key = p.Key, clicks = p.Value }),
            flows = StatsReport.Funnels(daily).Select(f => new { flow = f.Flow, events = f.Counts.ToDictionary(c => c.Key, c => c.Value) }),
        });
    }

    private static async Task<IResult> UnansweredAsync(HttpContext context, IHitStats stats, CancellationToken cancellationToken)
    {
        if (AccountAndWindow(context, out var account, out var window) is { } refused)
        {
            return refused;
        }

        var daily = await window.ReadAsync(stats, account.Name, 50, cancellationToken);
        // Masked before they leave: the key a draft is made from is the masked text too, so a phone
        // number never travels to the browser and back.
        var rows = StatsReport.TopUnanswered(daily, 50).Select(p => new { text = TextMask.Mask(p.Key), count = p.Value }).ToList();
        if (Csv.Wanted(context.Request))
        {
            return await ExportAsync(context, "unanswered", account, window, ["text", "count"],
                rows.Select(r => (IReadOnlyList<object?>)[r.text, r.count]));
        }

        return Results.Json(new { account = account.Name, from = window.From, to = window.To, total = daily.Sum(d => d.UnansweredTotal), rows });
    }

    private static async Task<IResult> RulesAsync(HttpContext context, IRuleStore store, LiveRuleSets live, IInstanceVersions instances, TimeProvider time, CancellationToken cancellationToken)
    {
        if (AccountOf(context) is not { } account)
        {
            return UnknownAccount(context);
        }

        var current = await store.GetCurrentAsync(account.Name, cancellationToken);
        var history = await store.GetHistoryAsync(account.Name, cancellationToken);
        var seen = (await instances.ReadAsync(account.Name, time.GetUtcNow(), cancellationToken)).ToDictionary(i => i.Instance, i => i.Version, StringComparer.Ordinal);
        // This instance's own version is known without asking the store.
        seen[ThisInstance.Name] = live.Get(account.Name).Version;
        return Results.Json(new
        {
            account = account.Name,
            live = current is null ? null : new { version = current.Version, publishedAt = current.PublishedAt, by = current.PublishedBy, message = current.Message, yaml = current.Yaml },
            instances = seen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new { instance = p.Key, version = p.Value, self = p.Key == ThisInstance.Name }),
            history = history.Reverse().Select(h => new { version = h.Version, at = h.At, by = h.By, message = h.Message, action = h.Action, added = h.Added, changed = h.Changed, removed = h.Removed }),
        });
    }

    private static async Task<IResult> VersionAsync(long version, HttpContext context, IRuleStore store, CancellationToken cancellationToken)
    {
        if (AccountOf(context) is not { } account)
        {
            return UnknownAccount(context);
        }

        return await store.GetVersionAsync(account.Name, version, cancellationToken) is { } snapshot
            ? Results.Json(new { version = snapshot.Version, yaml = snapshot.Yaml, publishedAt = snapshot.PublishedAt, by = snapshot.PublishedBy })
            : DashboardEndpoints.Problem(StatusCodes.Status404NotFound, $"no version {version}");
    }

    /// <summary>"Test a text": which rule the live version answers it with (read-only, like <c>rules test</c>).</summary>
    private static IResult TestText(HttpContext context, LiveRuleSets live)
    {
        if (AccountOf(context) is not { } account)
        {
            return UnknownAccount(context);
        }

        var text = context.Request.Query["text"].FirstOrDefault() ?? "";
        var rules = live.Get(account.Name);
        var message = InboundParser.Parse(System.Text.Encoding.UTF8.GetBytes(SampleMessages.Text("gh_account", "o-operator", 0, text, 1)));
        var route = rules.Route(message);
        return Results.Json(new
        {
            version = rules.Version,
            kind = route.Kind.ToString().ToLowerInvariant(),
            rule = route.RuleName,
            flow = route.Flow,
            answered = route.Kind is MatchKind.Keyword or MatchKind.Menu,
            reply = route.Replies is { Replies.Count: > 0 } group ? ReplyText(group.Replies[0].Source) : null,
        });
    }

    /// <summary>What the follower would read first, in a few words (a backend's reply is only known when it answers).</summary>
    private static string ReplyText(RuleReply reply) => reply switch
    {
        StaticReply { Reply: TextReply text } => text.Content,
        StaticReply { Reply: NewsReply news } => "news: " + string.Join(" | ", news.Articles.Select(a => a.Title)),
        StaticReply { Reply: TransferReply } => "handed to customer service",
        StaticReply fixedReply => fixedReply.Reply.MsgType,
        _ => "the brand's backend answers",
    };

    private static IResult Health(HttpContext context, HealthWatch watch, LiveRuleSets live, AccountDirectory accounts, DeliveryOptions options, DashboardHost host)
    {
        var store = host.Store();
        var counts = watch.Counts();
        long Sum(string prefix) => counts.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(c => c.Value);
        return Results.Json(new
        {
            instance = ThisInstance.Name,
            store = store switch { StoreState.Embedded => "embedded", StoreState.Redis => "redis", _ => "redis-unreachable" },
            degraded = store == StoreState.RedisUnreachable,
            budgetMs = options.PushBudgetMilliseconds,
            deadlineMs = 5000,
            latency = watch.Latency(),
            rejections = counts.Where(c => c.Value > 0 && c.Key.StartsWith("brandbot_rejections_total:", StringComparison.Ordinal)).ToDictionary(c => c.Key.Split(':', 2)[1], c => c.Value),
            budgetFallbacks = Sum("brandbot_budget_fallbacks_total"),
            redisErrors = Sum("brandbot_redis_errors_total"),
            rateLimited = Sum("brandbot_rate_limited_total"),
            dedupHits = Sum("brandbot_dedup_hits_total"),
            rules = accounts.All.Select(a => new { account = a.Name, version = live.Get(a.Name).Version }),
        });
    }

    private sealed record AuditRow(DateTimeOffset At, string Who, string Action, string? Account, string Detail, string Client);

    /// <summary>
    /// Operator actions (newest 500 of the store's) with the rules history, and beside them — never among
    /// them — this instance's refused sign-ins, summarised per client per minute.
    /// </summary>
    private static async Task<IResult> AuditAsync(HttpContext context, IOperatorAudit audit, IRuleStore store, SignInRefusals refusals, CancellationToken cancellationToken)
    {
        var rows = (await audit.ReadAsync(500, cancellationToken)).Select(e => new AuditRow(e.At, e.Who, e.Action, e.Account, e.Detail, e.Client)).ToList();
        // Rule changes live in each account's rules history: shown here beside the sign-ins.
        foreach (var account in context.RequestServices.GetRequiredService<AccountDirectory>().All)
        {
            rows.AddRange((await store.GetHistoryAsync(account.Name, cancellationToken))
                .Select(h => new AuditRow(h.At, h.By ?? "-", $"rules_{h.Action}", account.Name, $"version {h.Version}: {h.Message}", "")));
        }

        rows = [.. rows.OrderByDescending(r => r.At)];
        if (Csv.Wanted(context.Request))
        {
            await context.AuditAsync(context.Session().Who, "export", null, "audit");
            return Csv.File("audit.csv", ["at", "who", "action", "account", "detail", "client"],
                rows.Select(r => (IReadOnlyList<object?>)[r.At, r.Who, r.Action, r.Account, r.Detail, r.Client]));
        }

        return Results.Json(new
        {
            entries = rows.Select(r => new { at = r.At, who = r.Who, action = r.Action, account = r.Account, detail = r.Detail, client = r.Client }),
            refusals = refusals.Read(200).Select(r => new
            {
                minute = r.Minute,
                client = r.Client,
                count = r.Count,
                reasons = string.Join(", ", r.Reasons.OrderByDescending(p => p.Value).Select(p => $"{p.Key} ×{p.Value}")),
            }),
        });
    }
}
