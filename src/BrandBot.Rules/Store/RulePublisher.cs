using System.Collections.Concurrent;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Store;

/// <summary>Refused: the rules have errors, or the version to roll back to does not exist.</summary>
public sealed class PublishRefusedException(string reason, IReadOnlyList<RuleProblem>? problems = null) : Exception(reason)
{
    public IReadOnlyList<RuleProblem> Problems { get; } = problems ?? [];
}

/// <summary>What a publish or rollback did: the live snapshot, what changed, and whether anything was written.</summary>
/// <param name="Unchanged">The content was already live: nothing was written, no version made.</param>
public sealed record PublishOutcome(RuleSnapshot Snapshot, RuleSetDiff Diff, bool Unchanged)
{
    public void Deconstruct(out RuleSnapshot snapshot, out RuleSetDiff diff)
    {
        snapshot = Snapshot;
        diff = Diff;
    }
}

/// <summary>
/// The one way rules become live: fill in the ids of local files, validate, diff against the live
/// version, commit with an audit record, retrying when another publisher committed in between. Rules
/// naming a local file without an id are refused, so no follower is ever sent a reply without its media
/// (docs/rules-file.md#local-files).
/// </summary>
public sealed class RulePublisher(IRuleStore store, TimeProvider time, IRuleMediaResolver? media = null)
{
    private const int Attempts = 5;

    // What this process validated for each account's latest commit, until activation takes it: parsing
    // is the costly half of activating (100,000 rules: seconds and a few hundred MB of garbage), and the
    // YAML was parsed moments ago; the snapshot saves reading the version back from the store.
    private readonly ConcurrentDictionary<string, (RuleSnapshot Snapshot, RuleSetDefinition Definition)> _committed = new(StringComparer.Ordinal);

    /// <summary>
    /// The snapshot and definition this publisher committed for <paramref name="account"/> (or, at
    /// start-up, found current with the same content), handed out once; null unless they are exactly
    /// <paramref name="current"/> (a mismatch discards them: a stale definition is never handed out later).
    /// </summary>
    public (RuleSnapshot Snapshot, RuleSetDefinition Definition)? TakeCommitted(string account, RuleStamp current) =>
        _committed.TryRemove(account, out var committed) && committed.Snapshot.Version == current.Version && committed.Snapshot.ContentHash == current.ContentHash
            ? committed
            : null;

    /// <summary>Makes <paramref name="yaml"/> the live version; content identical to the live version writes nothing.</summary>
    /// <param name="mediaFolder">Where the rules' relative file paths start; null for the account's configured rules file's folder.</param>
    public async Task<PublishOutcome> PublishAsync(
        string account, string yaml, string? by, string? message, CancellationToken cancellationToken = default, string? mediaFolder = null) =>
        await CommitAsync(account, await ResolveMediaAsync(account, yaml, mediaFolder, cancellationToken), by, message, AuditRecord.Publish, onlyIfEmpty: false, cancellationToken);

    /// <summary>Publishes <paramref name="yaml"/> as version 1 unless some version already exists; null if one did.</summary>
    /// <param name="resolveMedia">
    /// False to publish the YAML exactly as given: a reseed puts back rules that were live, whose media ids
    /// WeChat still holds even when the store lost the upload records with the rules.
    /// </param>
    public async Task<RuleSnapshot?> PublishInitialAsync(string account, string yaml, string by, string message, CancellationToken cancellationToken = default, bool resolveMedia = true)
    {
        try
        {
            if (resolveMedia)
            {
                yaml = await ResolveMediaAsync(account, yaml, null, cancellationToken);
            }

            return (await CommitAsync(account, yaml, by, message, AuditRecord.Publish, onlyIfEmpty: true, cancellationToken)).Snapshot;
        }
        catch (InitialVersionExistsException)
        {
            return null;
        }
    }

    /// <summary>Makes the content of <paramref name="version"/> current again, as a new version.</summary>
    public async Task<PublishOutcome> RollbackAsync(
        string account, long version, string? by, string? message, CancellationToken cancellationToken = default)
    {
        var target = await store.GetVersionAsync(account, version, cancellationToken)
            ?? throw new PublishRefusedException($"account '{account}' has no version {version}");
        return await CommitAsync(account, target.Yaml, by, message ?? $"rollback to version {version}", AuditRecord.Rollback, onlyIfEmpty: false, cancellationToken);
    }

    /// <summary>What publishing <paramref name="yaml"/> would change against the live version.</summary>
    /// <param name="mediaFolder">As for <see cref="PublishAsync"/>: local files get the ids publish would give them, so an unchanged file shows no change.</param>
    public async Task<(RuleSetDiff Diff, long LiveVersion)> DiffAsync(string account, string yaml, CancellationToken cancellationToken = default, string? mediaFolder = null)
    {
        try
        {
            yaml = await ResolveMediaAsync(account, yaml, mediaFolder, cancellationToken);
        }
        catch (PublishRefusedException)
        {
            // A missing file is publish's refusal to make; the diff compares the rules as written.
        }

        var parsed = WithoutErrors(RulesFile.Parse(yaml));
        var live = await store.GetCurrentAsync(account, cancellationToken);
        return (RuleSetDiff.Between(live is null ? null : RulesFile.Parse(live.Yaml).Definition, parsed), live?.Version ?? 0);
    }

    private async Task<PublishOutcome> CommitAsync(
        string account, string yaml, string? by, string? message, string action, bool onlyIfEmpty, CancellationToken cancellationToken)
    {
        var parsed = Validated(yaml);
        // Once per commit, not per attempt: a 100,000-rule file is 8 MB to hash.
        var hash = RuleSnapshot.HashOf(yaml);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var live = await store.GetCurrentAsync(account, cancellationToken);
            if (onlyIfEmpty && live is not null)
            {
                if (live.ContentHash == hash)
                {
                    // A restart on the version it published before: activation need not parse it again.
                    _committed[account] = (live, parsed);
                }

                throw new InitialVersionExistsException();
            }

            if (live is not null && live.ContentHash == hash)
            {
                // The same content again makes no version: history and every instance stay as they are.
                return new PublishOutcome(live, RuleSetDiff.None, Unchanged: true);
            }

            var diff = RuleSetDiff.Between(live is null ? null : RulesFile.Parse(live.Yaml).Definition, parsed);
            var audit = new AuditRecord(0, time.GetUtcNow(), by, message, hash, action, diff.Added, diff.Changed, diff.Removed);
            if (await store.CommitAsync(account, yaml, audit, live?.Version ?? 0, cancellationToken) is { } snapshot)
            {
                _committed[account] = (snapshot, parsed);
                return new PublishOutcome(snapshot, diff, Unchanged: false);
            }
        }

        throw new PublishRefusedException($"account '{account}' kept changing while publishing; try again");
    }

    private async Task<string> ResolveMediaAsync(string account, string yaml, string? folder, CancellationToken cancellationToken) =>
        media is null ? yaml : await media.ResolveAsync(account, yaml, folder, cancellationToken);

    /// <summary>What publish stores: rules without errors whose local files all have their ids.</summary>
    private static RuleSetDefinition Validated(string yaml) => WithUploadedFiles(WithoutErrors(RulesFile.Parse(yaml)));

    private static RuleSetDefinition WithoutErrors(RulesFileResult parsed) =>
        parsed.HasErrors
            ? throw new PublishRefusedException("the rules have errors", [.. parsed.Problems.Where(p => p.Severity == ProblemSeverity.Error)])
            : parsed.Definition!;

    private static RuleSetDefinition WithUploadedFiles(RuleSetDefinition definition)
    {
        var pending = definition.MediaFiles.Where(m => m.Resolved is null).ToList();
        if (pending.Count > 0)
        {
            throw new PublishRefusedException(
                "the rules name local files that account apply has not uploaded; run `brandbot account apply` with this rules file first, then publish again",
                [.. pending.Select(m => new RuleProblem(m.Line, ProblemSeverity.Error, $"{m.Kind} file '{m.File}' is not uploaded yet (or changed since): run `brandbot account apply` with this rules file first (uploads are recorded in the shared store, so BrandBot:Redis must be set), then publish again"))]);
        }

        return definition;
    }

    private sealed class InitialVersionExistsException : Exception;
}
