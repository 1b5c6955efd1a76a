using BrandBot.Delivery.Pipeline;
using BrandBot.Logging;
using BrandBot.Options;
using BrandBot.Rules.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BrandBot.Services;

/// <summary>
/// Loads each account's <c>RulesFile</c> at startup (refusing to start on errors, one line per problem)
/// and publishes it as version 1 when the store holds no version yet. With the embedded store it also
/// republishes the file whenever it changes; a changed file with errors is logged and ignored, and the
/// previous version stays live. With Redis, operators publish with <c>rules publish</c> instead, so
/// replicas with their own copy of the file never race to publish it.
/// </summary>
public sealed class RulesFileService(
    AccountDirectory accounts,
    IRuleStore store,
    RulePublisher publisher,
    RulesActivator activator,
    ILoggerFactory logs) : BackgroundService, IStartupCheck
{
    private readonly ILogger logger = logs.CreateLogger(LogCategories.RulesFiles);

    /// <summary>How often files are re-read; a FileSystemWatcher makes most changes show up sooner.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, string> _lastSeenHash = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly List<FileSystemWatcher> _watchers = [];
    private bool _loaded;
    private int _largestFile;

    /// <summary>
    /// Once start-up is over: a collection inside the loading methods still finds the file's text, the
    /// store's copy and the parse's last pieces reachable from their frames.
    /// </summary>
    public void ReleaseStartupGarbage() => LargeRules.ReleaseParseGarbage(_largestFile);

    /// <summary>The initial load; normally done by <see cref="BrandBotApp.StartAsync"/> before the host starts.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        var problems = new List<string>();
        var largest = 0;
        foreach (var account in accounts.All)
        {
            if (account.RulesFile is { } path)
            {
                largest = Math.Max(largest, await LoadAsync(account.Name, path, problems, cancellationToken));
            }
        }

        _largestFile = largest;
        if (problems.Count > 0)
        {
            throw new StartupProblemsException(problems);
        }

        _loaded = true;
    }

    /// <returns>The file's length in characters.</returns>
    private async Task<int> LoadAsync(string account, string path, List<string> problems, CancellationToken cancellationToken)
    {
        var yaml = await File.ReadAllTextAsync(path, cancellationToken);
        try
        {
            // The publisher validates (even when the store already has a version), so the file is parsed once here.
            await publisher.PublishInitialAsync(account, yaml, "startup", $"initial load of {Path.GetFileName(path)}", cancellationToken);
        }
        catch (PublishRefusedException refused)
        {
            problems.AddRange(refused.Problems.Select(p => $"{path}:{p}"));
            return yaml.Length;
        }

        _lastSeenHash[account] = RuleSnapshot.HashOf(yaml);
        // The parse's garbage goes before the rules are compiled, so the compile reuses its memory.
        LargeRules.ReleaseParseGarbage(yaml.Length);
        await activator.ActivateAsync(account, cancellationToken);
        if (WatchesFiles)
        {
            Watch(path);
        }

        return yaml.Length;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RunAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        await base.StopAsync(cancellationToken);
    }

    // A shared store is published to by operators; replicas watching their own copies would race.
    private bool WatchesFiles => !store.IsShared;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!WatchesFiles)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _changed.WaitAsync(PollInterval, stoppingToken);
                while (_changed.Wait(0))
                {
                    // Collapse a burst of watcher events into one reload.
                }

                await ReloadChangedFilesAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ReloadChangedFilesAsync(CancellationToken cancellationToken)
    {
        foreach (var account in accounts.All)
        {
            if (account.RulesFile is not { } path)
            {
                continue;
            }

            string yaml;
            try
            {
                yaml = await File.ReadAllTextAsync(path, cancellationToken);
                if (_lastSeenHash.GetValueOrDefault(account.Name) == RuleSnapshot.HashOf(yaml))
                {
                    continue;
                }

                if (await SettledAsync(path, yaml, cancellationToken) is not { } settled)
                {
                    // Still being written: the next change event or poll looks again.
                    continue;
                }

                yaml = settled;
            }
            catch (IOException ex)
            {
                Log.RulesFileUnreadable(logger, path, account.Name, ex.Message);
                continue;
            }

            var hash = RuleSnapshot.HashOf(yaml);

            _lastSeenHash[account.Name] = hash;
            PublishOutcome published;
            try
            {
                published = await publisher.PublishAsync(account.Name, yaml, "file-watcher", $"{Path.GetFileName(path)} changed", cancellationToken);
            }
            catch (PublishRefusedException refused)
            {
                foreach (var problem in refused.Problems)
                {
                    Log.RulesRejected(logger, path, account.Name, problem.ToString());
                }

                continue;
            }

            if (published.Unchanged)
            {
                // Saved again with the same content (or put back): the live version already is this file.
                continue;
            }

            Log.RulesFilePublished(logger, path, published.Snapshot.Version, account.Name);
            await activator.ActivateAsync(account.Name, cancellationToken);
        }
    }

    /// <summary>How long a changed file must read the same before it is published.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The file's text once two reads <see cref="SettleTime"/> apart agree, or null if it kept changing.
    /// An editor or a script that truncates and then writes leaves an empty or half-written file for a
    /// moment, and an empty rules file is valid (no rules): published, it would silence every reply until
    /// the next good save — and stay live if that save has an error.
    /// </summary>
    private static async Task<string?> SettledAsync(string path, string first, CancellationToken cancellationToken)
    {
        var previous = first;
        for (var look = 0; look < 8; look++)
        {
            await Task.Delay(SettleTime, cancellationToken);
            var now = await File.ReadAllTextAsync(path, cancellationToken);
            if (now == previous)
            {
                return now;
            }

            previous = now;
        }

        return null;
    }

    private void Watch(string path)
    {
        try
        {
            // Watch the directory, not the file: editors and ConfigMaps replace files by rename.
            var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => _changed.Release();
            watcher.Created += (_, _) => _changed.Release();
            watcher.Renamed += (_, _) => _changed.Release();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // Polling still picks the change up within PollInterval.
        }
    }
}
