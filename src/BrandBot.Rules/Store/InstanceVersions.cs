using System.Collections.Concurrent;

namespace BrandBot.Rules.Store;

/// <summary>This process as other instances and the dashboard name it: host and process id.</summary>
public static class ThisInstance
{
    public static string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}

/// <summary>Which rules version one running instance answers with, as it last said.</summary>
public sealed record InstanceVersion(string Instance, long Version, DateTimeOffset SeenAt);

/// <summary>
/// Every instance reports the rules version it answers with, so an operator can see that all of them
/// took a publish (dashboard Rules page). An instance that stops takes itself off the list; one that
/// dies without stopping drops out after <see cref="Stale"/>.
/// </summary>
public interface IInstanceVersions
{
    /// <summary>Three missed reports (every 5 s): long enough for a slow tick, short enough that a dead instance leaves soon.</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromSeconds(15);

    Task ReportAsync(string account, string instance, long version, CancellationToken cancellationToken = default);

    /// <summary>Takes an instance off the list at once (it is stopping).</summary>
    Task RemoveAsync(string account, string instance, CancellationToken cancellationToken = default);

    /// <summary>Instances heard from within <see cref="Stale"/> of <paramref name="now"/>.</summary>
    Task<IReadOnlyList<InstanceVersion>> ReadAsync(string account, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>The embedded store: one process, so only this instance ever reports.</summary>
public sealed class InMemoryInstanceVersions(TimeProvider time) : IInstanceVersions
{
    private readonly ConcurrentDictionary<(string Account, string Instance), InstanceVersion> _seen = new();

    public Task ReportAsync(string account, string instance, long version, CancellationToken cancellationToken = default)
    {
        _seen[(account, instance)] = new InstanceVersion(instance, version, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string account, string instance, CancellationToken cancellationToken = default)
    {
        _seen.TryRemove((account, instance), out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<InstanceVersion>> ReadAsync(string account, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<InstanceVersion>>(
            [.. _seen.Where(s => s.Key.Account == account && now - s.Value.SeenAt <= IInstanceVersions.Stale).Select(s => s.Value).OrderBy(v => v.Instance, StringComparer.Ordinal)]);
}
