using BrandBot.Delivery.Pipeline;
using BrandBot.Outbound;
using BrandBot.Outbound.Messages;
using BrandBot.Outbound.Store;
using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.Dashboard;

/// <summary>
/// The Messages page's API (docs/dashboard.md#messages): what became of the messages the brand's backend
/// sent through the outbound API, per day, and the latest failures with WeChat's code and the sentence
/// an operator reads. Read from the same store the API and the <c>messages</c> verbs use. A follower
/// appears only masked (<see cref="OpenIdMask"/>): never a raw OpenID in an answer.
/// </summary>
public static class DashboardMessages
{
    private static readonly Action<ILogger, string, Exception?> StoreUnreadable =
        LoggerMessage.Define<string>(LogLevel.Warning, new EventId(3301, "MessagesPageStoreUnreadable"), "Messages page: the outbound store could not be read ({Error})");

    /// <summary>How many of the latest failures the page lists.</summary>
    public const int LatestFailures = 20;

    public static void MapReads(RouteGroupBuilder api) => api.MapGet("/messages", ReadAsync);

    private static async Task<IResult> ReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await AnswerAsync(context, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Redis unreachable (or the store failing otherwise): a sentence for the page, not a 500.
            // Only the exception's type: its message may name Redis keys and addresses.
            StoreUnreadable(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DashboardMessages).FullName!), e.GetType().Name, null);
            return DashboardEndpoints.Problem(StatusCodes.Status503ServiceUnavailable, "the outbound store cannot be read right now (is Redis reachable? the Health page says); try again in a moment");
        }
    }

    private static async Task<IResult> AnswerAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (DashboardApi.AccountAndWindow(context, out var account, out var window) is { } refused)
        {
            return refused;
        }

        // The store is there on Redis (every instance shares it) or where this instance runs the API;
        // the intake only where it runs the API.
        var services = context.RequestServices;
        var apiOn = services.GetService<MessageIntake>() is not null;
        if (services.GetService<IOutboundStore>() is not { } store)
        {
            return Results.Json(new
            {
                account = account.Name,
                from = window.From,
                to = window.To,
                available = false,
                apiOn,
                durable = false,
                note = "The outbound API is off on this instance (BrandBot:Api:Urls is empty) and there is no Redis to read other instances' messages from, so there is nothing to show. docs/outbound-messages.md#turning-it-on says how to turn it on.",
            });
        }

        var days = await store.DaysAsync(account.Name, window.To, window.Days, cancellationToken);
        if (Csv.Wanted(context.Request))
        {
            await context.AuditAsync(context.Session().Who, "export", account.Name, $"messages {window.From:yyyy-MM-dd}..{window.To:yyyy-MM-dd}");
            return Csv.File($"messages-{account.Name}-{window.From:yyyyMMdd}-{window.To:yyyyMMdd}.csv", ["day", "queued", "sent", "delivered", "failed", "unknown"],
                days.Select(d => (IReadOnlyList<object?>)[d.Day, d.Queued, d.Sent, d.Delivered, d.Failed, d.Unknown]));
        }

        var failures = store.FailuresAsync(account.Name, LatestFailures, cancellationToken);
        var queue = store.QueueAsync(account.Name, cancellationToken);
        return Results.Json(new
        {
            account = account.Name,
            from = window.From,
            to = window.To,
            available = true,
            apiOn,
            durable = store.IsDurable,
            days = days.Select(d => new { day = d.Day, queued = d.Queued, sent = d.Sent, delivered = d.Delivered, failed = d.Failed, unknown = d.Unknown }),
            queue = new { depth = (await queue).Depth, oldestCreatedAt = (await queue).OldestCreatedAt },
            failures = (await failures).Select(Failure),
        });
    }

    private static object Failure(OutboundMessage m) => new
    {
        id = m.Id,
        kind = m.Kind.Name(),
        to = OpenIdMask.Mask(m.To),
        status = m.Status,
        at = m.FinishedAt ?? m.SentAt ?? m.CreatedAt,
        attempts = m.Attempts,
        errcode = m.ErrCode,
        // WeChat's own words and ours, with the recipient masked should WeChat ever quote it back.
        errmsg = Scrub(m.ErrMsg, m.To),
        error = Scrub(m.Error, m.To),
    };

    private static string? Scrub(string? text, string openId) =>
        text is null || openId.Length == 0 ? text : text.Replace(openId, OpenIdMask.Mask(openId), StringComparison.Ordinal);
}
