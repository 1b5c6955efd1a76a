using BrandBot.Broadcasts;
using BrandBot.Broadcasts.Sending;
using BrandBot.Broadcasts.Status;

namespace BrandBot.Dashboard;

/// <summary>
/// The Broadcasts page's API (docs/broadcasts.md): each broadcast's state, WeChat's counts and its
/// unfollow rate beside the account's baseline, read through the same status reader as
/// <c>broadcast status</c>; an editor may cancel one not yet submitted. No OpenID is ever in an answer.
/// </summary>
public static class DashboardBroadcasts
{
    public sealed record CancelRequest(string? Account);

    public static void MapReads(RouteGroupBuilder api) => api.MapGet("/broadcasts", ListAsync);

    public static void MapWrites(RouteGroupBuilder writes) => writes.MapPost("/broadcasts/{id}/cancel", CancelAsync);

    private static async Task<IResult> ListAsync(HttpContext context, BroadcastStatusReader reader, CancellationToken cancellationToken)
    {
        if (DashboardApi.AccountOf(context) is not { } account)
        {
            return DashboardApi.UnknownAccount(context);
        }

        var all = await reader.ListAsync(account.Name, cancellationToken);
        return Results.Json(new
        {
            account = account.Name,
            broadcasts = all.Select(s => new
            {
                s.Id, s.State, s.Summary, s.Audience, s.DueAt, s.SentAt, s.Recipients, s.Excluded, s.Total, s.Filtered, s.Sent, s.Errors,
                s.Unfollows24h, s.Unfollows7d, s.UnfollowRate7d, s.BaselineDailyUnfollowRate, s.Note, s.By,
                cancellable = s.State is BroadcastStates.Scheduled or BroadcastStates.Missed && s.Batches.All(b => b.Attempts == 0),
            }),
        });
    }

    private static async Task<IResult> CancelAsync(string id, CancelRequest request, HttpContext context, BroadcastAccounts accounts, BroadcastDesk desk, CancellationToken cancellationToken)
    {
        if (DashboardApi.AccountOf(context, request.Account) is not { } account || accounts.Find(account.Name) is not { } broadcasting)
        {
            return DashboardApi.UnknownAccount(context, request.Account);
        }

        // Recorded as the rules writes are: by the operator's name (the role for a shared token), and in the operator audit.
        var who = context.Session().Who;
        var result = await desk.CancelAsync(broadcasting, id, $"dashboard:{who}", $"dashboard:{Environment.ProcessId}", cancellationToken);
        if (result.Refused)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status409Conflict, result.Message);
        }

        await context.AuditAsync(who, "broadcast_cancel", account.Name, $"{id}: {result.Message}");
        return Results.Json(new { id, state = result.Record?.State, message = result.Message });
    }
}
