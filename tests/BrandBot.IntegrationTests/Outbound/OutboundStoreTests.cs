using BrandBot.Outbound.Messages;
using BrandBot.Outbound.Store;
using BrandBot.Outbound.Windows;
using BrandBot.Redis;
using BrandBot.Testing;
using StackExchange.Redis;

namespace BrandBot.IntegrationTests.Outbound;

/// <summary>
/// The store port on both stores (docs/outbound-messages.md#what-is-kept-and-for-how-long): the latest
/// failures the dashboard reads, and that neither store keeps a follower's window, a key or a finished
/// message past the time the Redis one lets it expire.
/// </summary>
public sealed class OutboundStoreTests : RedisConnected
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("memory")]
    [InlineData("redis")]
    public async Task Failures_NewestEndedFirst_WithWeChatsCodeAndReason_NeverTheDelivered(string kind)
    {
        var store = StoreOf(kind);
        var t0 = DateTimeOffset.UtcNow;
        var refused = await SendAsync(store, "k-refused", t0);
        await FinishAsync(store, refused, t0.AddSeconds(1), m => m with
        {
            Status = MessageStatus.Failed, Attempts = 1, ErrCode = 43004, ErrMsg = "require subscribe", Error = "the recipient does not follow the account (43004)",
            FinishedAt = t0.AddSeconds(1),
        });
        var delivered = await SendAsync(store, "k-delivered", t0);
        await FinishAsync(store, delivered, t0.AddSeconds(2), m => m with { Status = MessageStatus.Sent, Attempts = 1, WeChatMsgId = "900001", SentAt = t0.AddSeconds(2) });
        Assert.Equal(FinishOutcome.Applied, await store.FinishAsync("acme", "900001", "success", t0.AddSeconds(3)));
        var blocked = await SendAsync(store, "k-blocked", t0);
        await FinishAsync(store, blocked, t0.AddSeconds(4), m => m with { Status = MessageStatus.Sent, Attempts = 1, WeChatMsgId = "900002", SentAt = t0.AddSeconds(4) });
        Assert.Equal(FinishOutcome.Applied, await store.FinishAsync("acme", "900002", "failed:user block", t0.AddSeconds(5)));
        var lost = await SendAsync(store, "k-lost", t0);
        await FinishAsync(store, lost, t0.AddSeconds(6), m => m with { Status = MessageStatus.Unknown, Attempts = 1, Error = "the call may have reached WeChat", FinishedAt = t0.AddSeconds(6) });

        var failures = await store.FailuresAsync("acme", 10);

        Assert.Equal([lost, blocked, refused], failures.Select(m => m.Id));
        Assert.Equal((MessageStatus.Failed, "failed:user block"), (failures[1].Status, failures[1].ErrMsg));
        Assert.Contains("refuses the account's messages", failures[1].Error);
        Assert.Equal((43004, "the recipient does not follow the account (43004)"), (failures[2].ErrCode, failures[2].Error));
        Assert.Equal(MessageStatus.Unknown, failures[0].Status);
        Assert.Equal([lost], (await store.FailuresAsync("acme", 1)).Select(m => m.Id));
        Assert.Empty(await store.FailuresAsync("other", 10));
        var today = (await store.DaysAsync("acme", DayOf.Of(t0.AddSeconds(6), TimeSpan.Zero), 1)).Single();
        Assert.Equal((4, 2, 1, 2, 1), (today.Queued, today.Sent, today.Delivered, today.Failed, today.Unknown));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("redis")]
    public async Task Window_IsForgottenOnceItAllowsNoSend(string kind)
    {
        var store = StoreOf(kind);
        var rules = new WindowRules(5, TimeSpan.FromSeconds(1), 3, TimeSpan.FromMilliseconds(200));
        var opened = DateTimeOffset.UtcNow;
        await store.OpenWindowAsync("acme", Follower, message: true, opened, rules);
        Assert.Equal(AcceptOutcome.Accepted, (await store.AcceptAsync(Message("k-in-window", opened), new WindowGate(rules), opened.AddMilliseconds(100))).Outcome);

        await Task.Delay(TimeSpan.FromSeconds(1.3));
        var later = DateTimeOffset.UtcNow;
        // Another follower's event sweeps the embedded store; Redis expires the key by itself.
        await store.OpenWindowAsync("acme", "oOtherFollower000000000000001", message: false, later.AddMinutes(2), rules);

        Assert.Equal(AcceptOutcome.WindowClosed, (await store.AcceptAsync(Message("k-after", later), new WindowGate(rules), later)).Outcome);
        if (store is InMemoryOutboundStore memory)
        {
            Assert.Equal(1, memory.Held("acme").Windows); // the other follower's, just opened
        }
        else
        {
            Assert.False(await Connection.GetDatabase().KeyExistsAsync(RedisOutboundStore.WindowKey(RedisKeys.OutboundPrefix("acme"), Follower)));
        }
    }

    [Fact]
    public async Task RedisWindow_ExpiresWithTheLongerAllowance_KeepsItWhenUsed_AndNamesNoOpenId()
    {
        var store = StoreOf("redis");
        var db = Connection.GetDatabase();
        var key = RedisOutboundStore.WindowKey(RedisKeys.OutboundPrefix("acme"), Follower);
        var now = DateTimeOffset.UtcNow;

        await store.OpenWindowAsync("acme", Follower, message: false, now, WindowRules.Default);
        var afterFollow = (await db.KeyTimeToLiveAsync(key))!.Value;
        await store.OpenWindowAsync("acme", Follower, message: true, now, WindowRules.Default);
        var afterMessage = (await db.KeyTimeToLiveAsync(key))!.Value;
        await store.AcceptAsync(Message("k-1", now), new WindowGate(WindowRules.Default), now);
        var afterSend = (await db.KeyTimeToLiveAsync(key))!.Value;

        // A follow alone allows sends for a minute; a message for 48 h, which the follow's minute ends inside.
        Assert.InRange(afterFollow, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(60));
        Assert.InRange(afterMessage, TimeSpan.FromHours(48) - TimeSpan.FromSeconds(5), TimeSpan.FromHours(48));
        Assert.InRange(afterSend, afterMessage - TimeSpan.FromSeconds(5), afterMessage);
        var keys = new List<string>();
        await foreach (var k in Connection.GetServer(Connection.GetEndPoints()[0]).KeysAsync(pattern: "*"))
        {
            keys.Add(k.ToString());
        }

        Assert.Contains(key, keys);
        Assert.DoesNotContain(keys, k => k.Contains(Follower, StringComparison.Ordinal));
        Assert.False(await db.KeyExistsAsync(RedisKeys.OutboundPrefix("acme") + "win"));

        await store.ForgetFollowerAsync("acme", Follower);
        Assert.False(await db.KeyExistsAsync(key));
    }

    [Fact]
    public async Task InMemory_KeysFinishedMessagesAndDays_AreDroppedWhenRedisWouldDropThem()
    {
        var store = new InMemoryOutboundStore(TimeSpan.Zero, keep: 10);
        var t0 = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        var first = await SentAsync(store, "k-first", t0);
        // Leased for longer than the test runs: still to be sent all along.
        var waiting = (await store.AcceptAsync(Message("k-waiting", t0), AcceptGate.None, t0)).Id!;
        Assert.Equal(waiting, (await store.ClaimAsync("acme", t0, TimeSpan.FromDays(1000)))!.Message.Id);

        // Within 24 h the key answers with the first id; after it the key is free again.
        Assert.Equal(AcceptOutcome.Replayed, (await store.AcceptAsync(Message("k-first", t0.AddHours(23)), AcceptGate.None, t0.AddHours(23))).Outcome);
        var next = await SentAsync(store, "k-first", t0.AddHours(25));
        Assert.NotEqual(first, next);

        // Past the 30 days a finished message is gone; one still to be sent is not.
        var late = t0.AddDays(31);
        await SentAsync(store, "k-late", late);
        Assert.Null(await store.GetAsync("acme", first));
        Assert.NotNull(await store.GetAsync("acme", waiting));
        Assert.Equal(3, store.Held("acme").Messages);
        Assert.Equal(1, store.Held("acme").Keys); // k-late's; k-first's second use ran out at 49 h

        // Past the count, the oldest finished go first.
        for (var i = 0; i < 12; i++)
        {
            await SentAsync(store, $"k-many-{i}", late);
        }

        var held = store.Held("acme").Messages;
        Assert.Equal(10, held);
        Assert.NotNull(await store.GetAsync("acme", waiting));
        Assert.Null(await store.GetAsync("acme", next));
        Assert.Equal(held, (await store.ListAsync("acme", null, 100)).Count);

        // Daily counts: as long as the dashboard's other statistics.
        await store.AcceptAsync(Message("k-next-year", late.AddDays(Retention.Days + 2)), AcceptGate.None, late.AddDays(Retention.Days + 2));
        Assert.Equal(1, store.Held("acme").Days);
    }

    private const string Follower = "o9AgO5Kd5ggOC-store-test-0001";

    private IOutboundStore StoreOf(string kind) => kind == "redis" ? new RedisOutboundStore(Connection, TimeSpan.Zero) : new InMemoryOutboundStore(TimeSpan.Zero);

    private static OutboundMessage Message(string key, DateTimeOffset at) => new()
    {
        Id = "msg_" + Guid.NewGuid().ToString("N"),
        Account = "acme",
        Kind = MessageKind.Template,
        To = Follower,
        Payload = "{}",
        IdempotencyKey = key,
        BodyHash = "hash-" + key,
        CreatedAt = at,
    };

    /// <summary>Accepts a message and leases it, as the sender would; its id.</summary>
    private static async Task<string> SendAsync(IOutboundStore store, string key, DateTimeOffset at)
    {
        var accepted = await store.AcceptAsync(Message(key, at), AcceptGate.None, at);
        Assert.Equal(AcceptOutcome.Accepted, accepted.Outcome);
        return accepted.Id!;
    }

    private static async Task<string> SentAsync(IOutboundStore store, string key, DateTimeOffset at)
    {
        var id = await SendAsync(store, key, at);
        await FinishAsync(store, id, at, m => m with { Status = MessageStatus.Sent, Attempts = 1, SentAt = at });
        return id;
    }

    /// <summary>Claims <paramref name="id"/> (the only due one) and writes its final state under the fence.</summary>
    private static async Task FinishAsync(IOutboundStore store, string id, DateTimeOffset at, Func<OutboundMessage, OutboundMessage> final)
    {
        var claim = await store.ClaimAsync("acme", at.AddSeconds(1), Lease);
        Assert.NotNull(claim);
        Assert.Equal(id, claim.Message.Id);
        Assert.True(await store.UpdateAsync(final(claim.Message), claim.Fence, null, at));
    }
}
