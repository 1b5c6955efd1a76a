using System.Collections.Concurrent;

namespace BrandBot.Rules.Store;

/// <summary>
/// One thing an operator did outside the rules history: a sign-in (or a failed one), a sign-out, a
/// refused write, an export, a broadcast cancelled from the dashboard. Rule publishes and rollbacks are in
/// the rules history itself (<see cref="AuditRecord"/>), with the operator in <see cref="AuditRecord.By"/>.
/// </summary>
/// <param name="Action">A fixed vocabulary: authn_login_success, authn_logout, authz_fail, csrf_fail, rules_publish, rules_rollback, export, broadcast_cancel. Refused sign-ins are not rows: they are summarised apart (docs/dashboard.md).</param>
/// <param name="Who">The named operator who acted, or the role of a shared token (viewer, editor), or "-" before sign-in. Never a token.</param>
/// <param name="Client">The client address as the dashboard saw it.</param>
public sealed record OperatorAuditEntry(DateTimeOffset At, string Who, string Action, string? Account, string Detail, string Client);

/// <summary>Where <see cref="OperatorAuditEntry"/> records are kept: in process, or in Redis for every instance to show.</summary>
public interface IOperatorAudit
{
    /// <summary>Adds an entry. Never throws: an audit that cannot be written is logged by the caller's host, not lost silently.</summary>
    Task AddAsync(OperatorAuditEntry entry);

    /// <summary>The newest entries, newest first.</summary>
    Task<IReadOnlyList<OperatorAuditEntry>> ReadAsync(int count, CancellationToken cancellationToken = default);
}

/// <summary>The embedded store's audit: the newest <see cref="Capacity"/> entries, gone on restart.</summary>
public sealed class InMemoryOperatorAudit : IOperatorAudit
{
    public const int Capacity = 10_000;

    private readonly ConcurrentQueue<OperatorAuditEntry> _entries = new();

    public Task AddAsync(OperatorAuditEntry entry)
    {
        _entries.Enqueue(entry);
        while (_entries.Count > Capacity && _entries.TryDequeue(out _))
        {
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OperatorAuditEntry>> ReadAsync(int count, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<OperatorAuditEntry>>([.. _entries.Reverse().Take(count)]);
}
