using BrandBot.Rules.Store;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.Rules.Tests;

public class RulePublisherTests
{
    private const string V1 = """
        rules:
          - { name: hours, keywords: [ equal: "hours" ], replies: [ text: "9-21" ] }
          - { name: vip, keywords: [ equal: "vip" ], replies: [ text: "vip" ] }
        """;

    private const string V2 = """
        default:
          replies: [ text: "default" ]
        rules:
          - { name: hours, keywords: [ equal: "hours" ], replies: [ text: "8-22" ] }
          - { name: stores, keywords: [ equal: "stores" ], replies: [ text: "stores" ] }
        """;

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly InMemoryRuleStore _store = new();

    private RulePublisher Publisher => new(_store, _time);

    [Fact]
    public async Task Publish_SameContentAgain_WritesNothing_AndSaysSo()
    {
        var changed = new List<string>();
        await Publisher.PublishAsync("a", V1, "alice", "first");
        _store.Changed += changed.Add;

        var again = await Publisher.PublishAsync("a", V1, "bob", "again");
        var rollback = await Publisher.RollbackAsync("a", 1, "carol", null);

        Assert.True(again.Unchanged);
        Assert.True(again.Diff.IsEmpty);
        Assert.Equal(1, again.Snapshot.Version);
        Assert.True(rollback.Unchanged);
        Assert.Empty(changed);
        Assert.Single(await _store.GetHistoryAsync("a"));
        Assert.False((await Publisher.PublishAsync("a", V2, "dave", "new")).Unchanged);
    }

    [Fact]
    public async Task Publish_NumbersVersionsAndAuditsRuleByRule()
    {
        var changed = new List<string>();
        _store.Changed += changed.Add;

        var (first, firstDiff) = await Publisher.PublishAsync("a", V1, "alice", "first");
        _time.Advance(TimeSpan.FromMinutes(5));
        var (second, diff) = await Publisher.PublishAsync("a", V2, "bob", "new hours");

        Assert.Equal(1, first.Version);
        Assert.Equal(["hours", "vip"], firstDiff.Added);
        Assert.Equal(2, second.Version);
        Assert.Equal(["stores", "(default)"], diff.Added);
        Assert.Equal(["hours"], diff.Changed);
        Assert.Equal(["vip"], diff.Removed);

        var history = await _store.GetHistoryAsync("a");
        Assert.Equal([1L, 2L], history.Select(h => h.Version));
        Assert.Equal("bob", history[1].By);
        Assert.Equal("new hours", history[1].Message);
        Assert.Equal(_time.GetUtcNow(), history[1].At);
        Assert.Equal(RuleSnapshot.HashOf(V2), history[1].ContentHash);
        Assert.Equal(AuditRecord.Publish, history[1].Action);
        Assert.Equal(["a", "a"], changed);
    }

    [Fact]
    public async Task Publish_RulesWithErrors_IsRefusedAndNothingChanges()
    {
        await Publisher.PublishAsync("a", V1, null, null);
        var ex = await Assert.ThrowsAsync<PublishRefusedException>(() => Publisher.PublishAsync("a", "rules:\n  - name: x\n    keywords: [ regex: \"(\" ]\n    replies: [ text: \"x\" ]\n", null, null));
        Assert.Contains(ex.Problems, p => p.Line == 3);
        Assert.Equal(1, await _store.GetCurrentVersionAsync("a"));
    }

    [Fact]
    public async Task Rollback_MakesOldContentCurrentAsANewVersion()
    {
        await Publisher.PublishAsync("a", V1, null, null);
        await Publisher.PublishAsync("a", V2, null, null);

        var (snapshot, diff) = await Publisher.RollbackAsync("a", 1, "carol", null);

        Assert.Equal(3, snapshot.Version);
        Assert.Equal(V1, (await _store.GetCurrentAsync("a"))!.Yaml);
        Assert.Equal(["vip"], diff.Added);
        var audit = (await _store.GetHistoryAsync("a"))[^1];
        Assert.Equal(AuditRecord.Rollback, audit.Action);
        Assert.Equal("rollback to version 1", audit.Message);
        await Assert.ThrowsAsync<PublishRefusedException>(() => Publisher.RollbackAsync("a", 9, null, null));
    }

    [Fact]
    public async Task PublishInitial_OnlyWhenTheStoreIsEmpty()
    {
        Assert.NotNull(await Publisher.PublishInitialAsync("a", V1, "startup", "initial"));
        Assert.Null(await Publisher.PublishInitialAsync("a", V2, "startup", "initial"));
        Assert.Equal(V1, (await _store.GetCurrentAsync("a"))!.Yaml);
    }

    [Fact]
    public async Task Committed_DefinitionIsHandedToActivationOnce_AndOnlyForWhatWasCommitted()
    {
        var publisher = Publisher;
        var (v1, _) = await publisher.PublishAsync("a", V1, null, null);
        Assert.Null(publisher.TakeCommitted("a", new RuleStamp(1, RuleSnapshot.HashOf(V2))));
        // A mismatch consumed the entry: a stale definition is never handed out later.
        Assert.Null(publisher.TakeCommitted("a", new RuleStamp(v1.Version, v1.ContentHash)));

        var (v2, _) = await publisher.PublishAsync("a", V2, null, null);
        // The same content under another version number is not what was committed.
        Assert.Null(publisher.TakeCommitted("a", new RuleStamp(v2.Version + 1, v2.ContentHash)));

        var (v3, _) = await publisher.PublishAsync("a", V1, null, null);
        var committed = publisher.TakeCommitted("a", new RuleStamp(v3.Version, v3.ContentHash));
        Assert.Equal(["hours", "vip"], committed!.Value.Definition.Rules.Select(r => r.Name));
        Assert.Equal(V1, committed.Value.Snapshot.Yaml);
        Assert.Null(publisher.TakeCommitted("a", new RuleStamp(v3.Version, v3.ContentHash)));
        Assert.Null(publisher.TakeCommitted("b", new RuleStamp(v3.Version, v3.ContentHash)));
    }

    [Fact]
    public async Task PublishInitial_OnTheVersionAlreadyCurrent_HandsItsParseToActivation_OtherwiseNothing()
    {
        var first = Publisher;
        var v1 = await first.PublishInitialAsync("a", V1, "startup", "initial");
        Assert.NotNull(first.TakeCommitted("a", new RuleStamp(v1!.Version, v1.ContentHash)));

        // A restart with the same file: nothing is published, but the parse is not thrown away.
        var restarted = Publisher;
        Assert.Null(await restarted.PublishInitialAsync("a", V1, "startup", "initial"));
        var committed = restarted.TakeCommitted("a", new RuleStamp(v1.Version, v1.ContentHash));
        Assert.Equal(v1.Version, committed!.Value.Snapshot.Version);
        Assert.Equal(["hours", "vip"], committed.Value.Definition.Rules.Select(r => r.Name));

        // A restart with a different file keeps the store's version, and has nothing to hand over.
        Assert.Null(await restarted.PublishInitialAsync("a", V2, "startup", "initial"));
        Assert.Null(restarted.TakeCommitted("a", new RuleStamp(v1.Version, v1.ContentHash)));
    }

    [Fact]
    public async Task Diff_AgainstLive_DoesNotPublish()
    {
        await Publisher.PublishAsync("a", V1, null, null);
        var (diff, live) = await Publisher.DiffAsync("a", V2);
        Assert.Equal(1, live);
        Assert.Equal(["hours"], diff.Changed);
        Assert.Equal(1, await _store.GetCurrentVersionAsync("a"));
        Assert.True((await Publisher.DiffAsync("a", V1)).Diff.IsEmpty);
    }

    [Fact]
    public async Task Commit_WithStaleExpectedVersion_IsRejectedByTheStore()
    {
        await Publisher.PublishAsync("a", V1, null, null);
        var audit = new AuditRecord(0, _time.GetUtcNow(), null, null, "h", AuditRecord.Publish, [], [], []);
        Assert.Null(await _store.CommitAsync("a", V2, audit, expectedCurrentVersion: 0));
        Assert.NotNull(await _store.CommitAsync("a", V2, audit, expectedCurrentVersion: 1));
    }
}
