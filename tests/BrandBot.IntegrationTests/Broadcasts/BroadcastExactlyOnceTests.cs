using BrandBot.Broadcasts;
using BrandBot.Broadcasts.Sending;
using BrandBot.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.IntegrationTests.Broadcasts;

/// <summary>
/// docs/broadcasts.md#exactly-once: a timeout after WeChat accepted, a batch that failed mid-way, two
/// senders, and the 4-a-month rule — each against a real redis-server and the fake WeChat API, whose
/// job list is the proof of how many broadcasts went out.
/// </summary>
public sealed class BroadcastExactlyOnceTests : RedisAndFakeWeChat
{
    private static readonly DateTimeOffset Start = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TimeoutAfterAcceptance_RetriesWithTheSameKey_45066Then45065_OneJob()
    {
        var time = new FakeTimeProvider(Start);
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, time, new BroadcastOptions { SubmitTimeoutSeconds = 1 });
        var followers = BroadcastRig.Followers(Api, "t", 3);
        Api.Broadcasts.HangNextSubmissions = 1;

        var first = await rig.SendAsync(BroadcastRig.File($"id: timeout-1\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent: {{ text: \"sale tonight\" }}\n"));
        var batch = first.Record!.Batches.Single();
        Assert.Equal(BroadcastStates.Sending, first.Record.State);
        Assert.Equal(BatchStates.Submitting, batch.State);
        Assert.Single(Api.Broadcasts.Jobs);

        time.Advance(TimeSpan.FromSeconds(10));
        await rig.Scheduler.TickAsync("instance-a", default);
        Assert.Contains(Api.Broadcasts.Calls, c => c.StartsWith("send 45066 " + batch.ClientMsgId, StringComparison.Ordinal));
        Assert.Equal(BatchStates.Submitting, (await rig.RecordAsync("timeout-1")).Batches[0].State);

        time.Advance(TimeSpan.FromSeconds(60));
        await rig.Scheduler.TickAsync("instance-a", default);
        var done = (await rig.RecordAsync("timeout-1")).Batches[0];
        Assert.Equal(BatchStates.Submitted, done.State);
        Assert.True(done.Adopted);
        Assert.Equal(Api.Broadcasts.Jobs.Single().MsgId, done.MsgId);
        Assert.Equal(3, done.Attempts);
        Assert.All(Api.Broadcasts.Calls, c => Assert.EndsWith(batch.ClientMsgId, c));
        Assert.Single(Api.Broadcasts.Jobs);
    }

    [Fact]
    public async Task TwentyFiveThousandRecipients_ThreeBatches_ReRunAfterBatchTwoSendsOnlyBatchThree()
    {
        var time = new FakeTimeProvider(Start);
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, time);
        var followers = BroadcastRig.Followers(Api, "m", 25_000);
        Api.Broadcasts.ErrorAtSubmission[3] = -1;
        var file = BroadcastRig.File($"id: big-1\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent: {{ text: \"to everyone we know\" }}\n");

        var first = await rig.SendAsync(file);
        Assert.Equal([8333, 8333, 8334], first.Record!.Batches.Select(b => b.Size));
        Assert.Equal(3, first.Record.Batches.Select(b => b.ClientMsgId).Distinct().Count());
        Assert.Equal(2, Api.Broadcasts.Jobs.Count);
        Assert.Equal(BatchStates.Submitting, first.Record.Batches[2].State);

        time.Advance(TimeSpan.FromSeconds(61));
        var again = await rig.SendAsync(file);
        Assert.Equal(BroadcastStates.Sent, again.Record!.State);
        Assert.Equal(3, Api.Broadcasts.Jobs.Count);
        Assert.Equal(25_000, Api.Broadcasts.Jobs.Sum(j => j.Delivered.Length));
        Assert.Equal(25_000, Api.Broadcasts.Jobs.SelectMany(j => j.Delivered).Distinct().Count());
        // Batches one and two were not called again: each key appears in exactly one accepted call.
        foreach (var batch in again.Record.Batches.Take(2))
        {
            Assert.Single(Api.Broadcasts.Calls, c => c.EndsWith(batch.ClientMsgId, StringComparison.Ordinal));
        }

        // A third run only prints the state.
        var third = await rig.SendAsync(file);
        Assert.False(third.Refused);
        Assert.Equal(3, Api.Broadcasts.Jobs.Count);
    }

    [Fact]
    public async Task TwoInstancesDueAtOnce_OneJob()
    {
        var followers = BroadcastRig.Followers(Api, "d", 4);
        var settings = SettingsFor(TestAccounts.WriteRules(TestAccounts.Rules));
        await using var one = await TestServer.StartAsync(settings);
        await using var two = await TestServer.StartAsync(settings);
        var time = new FakeTimeProvider(TestServer.Now);
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, time);
        var at = TestServer.Now.AddMinutes(1).ToOffset(TimeSpan.FromHours(8));
        var scheduled = await rig.SendAsync(BroadcastRig.File($"id: due-1\nat: {at:yyyy-MM-ddTHH:mm:sszzz}\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent: {{ text: \"at seven\" }}\n"));
        Assert.Equal(BroadcastStates.Scheduled, scheduled.Record!.State);

        // Both instances' clocks pass the due time together; each ticks every second.
        time.Advance(TimeSpan.FromMinutes(2));
        one.Time.Advance(TimeSpan.FromMinutes(2));
        two.Time.Advance(TimeSpan.FromMinutes(2));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await rig.RecordAsync("due-1")).State is BroadcastStates.Scheduled or BroadcastStates.Sending && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(2500);
        Assert.Equal(BroadcastStates.Sent, (await rig.RecordAsync("due-1")).State);
        Assert.Single(Api.Broadcasts.Jobs);
        Assert.Single(Api.Broadcasts.Calls);
    }

    [Fact]
    public async Task ServiceAccount_FollowerWhoHadFourThisMonth_IsLeftOutByPlanAndSend_AndFilteredByWeChatOnATag()
    {
        var time = new FakeTimeProvider(Start);
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, time);
        var followers = BroadcastRig.Followers(Api, "f", 4);
        for (var i = 1; i <= 4; i++)
        {
            time.Advance(TimeSpan.FromHours(2));
            Assert.Equal(BroadcastStates.Sent, (await rig.SendAsync(BroadcastRig.File($"id: month-{i}\naudience: {{ openids: [{followers[0]}, {followers[1]}] }}\ncontent: {{ text: \"news {i}\" }}\n"))).Record!.State);
        }

        var fifth = BroadcastRig.File($"id: month-5\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent: {{ text: \"news 5\" }}\n");
        var plan = await rig.Planner.PlanAsync(rig.Api, rig.Account, fifth, default);
        Assert.Equal(2, plan.AudienceSize);
        Assert.Contains(plan.Lines, l => l.Contains("2 left out", StringComparison.Ordinal));

        var sent = await rig.SendAsync(fifth);
        Assert.Equal(2, sent.Record!.Excluded);
        Assert.Equal([followers[2], followers[3]], Api.Broadcasts.Jobs.Last().Delivered.Order());

        // By tag, WeChat picks the recipients and its FilterCount shows whom the monthly rule dropped.
        await TagAsync(rig, "vip", followers);
        await rig.SendAsync(BroadcastRig.File("id: month-6\naudience: { tag: vip }\ncontent: { text: \"news 6\" }\n"));
        var job = Api.Broadcasts.Jobs.Last();
        Assert.Equal((4, 2), (job.Total, job.Filter));
    }

    [Fact]
    public async Task SubscriptionAccount_OneSendADay_PlanRefusesTheSecond_AndNoOpenIdLists()
    {
        var time = new FakeTimeProvider(Start);
        await using var rig = await BroadcastRig.StartAsync(Redis, Api, time, kind: AccountKind.Subscription);
        Api.Broadcasts.Subscription = true;
        var followers = BroadcastRig.Followers(Api, "s", 3);
        await TagAsync(rig, "fans", followers);
        Assert.Equal(BroadcastStates.Sent, (await rig.SendAsync(BroadcastRig.File("id: day-1\naudience: { tag: fans }\ncontent: { text: \"hello\" }\n"))).Record!.State);

        var second = BroadcastRig.File("id: day-2\naudience: { tag: fans }\ncontent: { text: \"again\" }\n");
        var plan = await rig.Planner.PlanAsync(rig.Api, rig.Account, second, default);
        Assert.Contains(plan.Refusals, r => r.Contains("once a day", StringComparison.Ordinal) && r.Contains("day-1", StringComparison.Ordinal));
        var sent = await rig.SendAsync(second);
        Assert.Equal(BroadcastStates.Failed, sent.Record!.State);
        Assert.Single(Api.Broadcasts.Jobs);

        var named = await rig.SendAsync(BroadcastRig.File($"id: list-1\naudience: {{ openids: {BroadcastRig.OpenIds(followers)} }}\ncontent: {{ text: \"x\" }}\n"));
        Assert.True(named.Refused);
        Assert.Single(Api.Broadcasts.Jobs);
    }

    /// <summary>Creates the tag on the fake and tags the followers, through the account's own client as <c>account apply</c> would.</summary>
    private static async Task TagAsync(BroadcastRig rig, string name, IReadOnlyList<string> openIds)
    {
        var created = await rig.Api.CallOkAsync("cgi-bin/tags/create", Json($"{{\"tag\":{{\"name\":\"{name}\"}}}}"), default);
        var id = created.Root.GetProperty("tag").GetProperty("id").GetInt32();
        await rig.Api.CallOkAsync("cgi-bin/tags/members/batchtagging", Json($"{{\"openid_list\":[{string.Join(",", openIds.Select(o => $"\"{o}\""))}],\"tagid\":{id}}}"), default);
    }

    private static byte[] Json(string json) => System.Text.Encoding.UTF8.GetBytes(json);
}
