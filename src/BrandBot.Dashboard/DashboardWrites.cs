using BrandBot.Rules.Loading;
using BrandBot.Rules.Store;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.AspNetCore.Routing;

namespace BrandBot.Dashboard;

/// <summary>
/// The write side (editor role, anti-forgery, not mapped in read-only mode): draft a rule from an
/// unanswered text, validate with line numbers, diff, publish, roll back. Through the same
/// <see cref="RulePublisher"/> as <c>rules publish</c>, so a publish here is a version like any other.
/// </summary>
public static class DashboardWrites
{
    public sealed record DraftRequest(string? Account, string? Text);

    public sealed record RulesRequest(string? Account, string? Yaml, long? BaseVersion, string? Message);

    public sealed record RollbackRequest(string? Account, long? Version, string? Confirm, string? Message = null);

    /// <summary>A publish's or rollback's message is a line of history, like the CLI's <c>--message</c>, not a document.</summary>
    public const int MaxMessageLength = 500;

    /// <summary>The operator's message on one line (null when none was given), or the answer refusing it.</summary>
    private static IResult? MessageOf(string? sent, out string? message)
    {
        message = string.IsNullOrWhiteSpace(sent) ? null : string.Join(' ', sent.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return message?.Length > MaxMessageLength
            ? DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, $"a message is at most {MaxMessageLength} characters")
            : null;
    }

    /// <summary>What the rollback form must be given, typed out: a slip of the mouse cannot roll back.</summary>
    public static string RollbackPhrase(long version) => $"roll back to version {version}";

    public static void Map(RouteGroupBuilder writes)
    {
        writes.MapPost("/rules/draft", DraftAsync);
        writes.MapPost("/rules/validate", ValidateAsync);
        writes.MapPost("/rules/publish", PublishAsync);
        writes.MapPost("/rules/rollback", RollbackAsync);
    }

    /// <summary>What the rules history records as the author: the operator's name, or the shared token's role.</summary>
    private static string By(HttpContext context) => $"dashboard:{context.Session().Who}";

    /// <summary>
    /// The embedded store lives and dies with this process: a version published into it would be gone at
    /// the next restart, while the rules file — what the server loads again — still says the old thing.
    /// </summary>
    public const string EmbeddedStoreRefusal =
        "Not published: this server keeps its rules in memory (no BrandBot:Redis), so a version published here would be lost at the next restart. " +
        "Edit the account's rules file instead — the server reloads it within a second — or configure Redis to publish from the dashboard.";

    private static async Task<IResult> DraftAsync(DraftRequest request, HttpContext context, IRuleStore store, CancellationToken cancellationToken)
    {
        if (DashboardApi.AccountOf(context, request.Account) is not { } account)
        {
            return DashboardApi.UnknownAccount(context, request.Account);
        }

        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, "text is required");
        }

        var live = await store.GetCurrentAsync(account.Name, cancellationToken);
        return Results.Json(new { baseVersion = live?.Version ?? 0, yaml = RuleDraft.Append(live?.Yaml ?? "", request.Text.Trim()) });
    }

    private static async Task<IResult> ValidateAsync(RulesRequest request, HttpContext context, LiveDefinition liveRules, CancellationToken cancellationToken)
    {
        if (DashboardApi.AccountOf(context, request.Account) is not { } account)
        {
            return DashboardApi.UnknownAccount(context, request.Account);
        }

        var yaml = request.Yaml ?? "";
        var parsed = RulesFile.Parse(yaml);
        var (live, liveDefinition) = await liveRules.GetWithSnapshotAsync(account.Name, cancellationToken);
        var problems = parsed.Problems.Select(p => new { line = p.Line, severity = p.Severity == ProblemSeverity.Error ? "error" : "warning", message = p.Message });
        if (parsed.HasErrors)
        {
            return Results.Json(new { ok = false, problems, liveVersion = live?.Version ?? 0 });
        }

        var diff = RuleSetDiff.Between(liveDefinition, parsed.Definition!);
        return Results.Json(new
        {
            ok = true,
            problems,
            liveVersion = live?.Version ?? 0,
            added = diff.Added,
            changed = diff.Changed,
            removed = diff.Removed,
            lines = LineDiff(live?.Yaml ?? "", yaml),
        });
    }

    private static async Task<IResult> PublishAsync(RulesRequest request, HttpContext context, IRuleStore store, RulePublisher publisher, DashboardHost host, CancellationToken cancellationToken)
    {
        if (DashboardApi.AccountOf(context, request.Account) is not { } account)
        {
            return DashboardApi.UnknownAccount(context, request.Account);
        }

        if (host.Store() == StoreState.Embedded)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status409Conflict, EmbeddedStoreRefusal);
        }

        if (MessageOf(request.Message, out var message) is { } badMessage)
        {
            return badMessage;
        }

        var live = await store.GetCurrentVersionAsync(account.Name, cancellationToken);
        if (request.BaseVersion is not { } baseVersion || baseVersion != live)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status409Conflict, $"version {live} was published since this draft was diffed; validate again to see its changes");
        }

        try
        {
            var published = await publisher.PublishAsync(account.Name, request.Yaml ?? "", By(context), message ?? $"published from the dashboard over version {live}", cancellationToken);
            return Results.Json(new { version = published.Snapshot.Version, previous = live, unchanged = published.Unchanged });
        }
        catch (PublishRefusedException refused)
        {
            return Results.Json(new { error = refused.Message, problems = refused.Problems.Select(p => new { line = p.Line, message = p.Message }) }, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static async Task<IResult> RollbackAsync(RollbackRequest request, HttpContext context, RulePublisher publisher, DashboardHost host, CancellationToken cancellationToken)
    {
        if (DashboardApi.AccountOf(context, request.Account) is not { } account)
        {
            return DashboardApi.UnknownAccount(context, request.Account);
        }

        if (host.Store() == StoreState.Embedded)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status409Conflict, EmbeddedStoreRefusal.Replace("Not published", "Not rolled back", StringComparison.Ordinal));
        }

        if (request.Version is not { } version || request.Confirm?.Trim() != RollbackPhrase(version))
        {
            return DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, $"type \"{RollbackPhrase(request.Version ?? 0)}\" to confirm");
        }

        if (MessageOf(request.Message, out var message) is { } badMessage)
        {
            return badMessage;
        }

        try
        {
            var rolledBack = await publisher.RollbackAsync(account.Name, version, By(context), message ?? $"rollback to version {version} from the dashboard", cancellationToken);
            return Results.Json(new { version = rolledBack.Snapshot.Version, content = version, unchanged = rolledBack.Unchanged });
        }
        catch (PublishRefusedException refused)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status422UnprocessableEntity, refused.Message);
        }
    }

    /// <summary>The YAML's lines, each marked kept (" "), added ("+") or removed ("-"), by DiffPlex.</summary>
    private static IEnumerable<object> LineDiff(string before, string after) =>
        InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false).Lines.Select(line => new
        {
            op = line.Type switch { ChangeType.Inserted => "+", ChangeType.Deleted => "-", _ => " " },
            text = line.Text,
            line = line.Position,
        });
}
