using System.Collections.Concurrent;
using System.Text;
using BrandBot.Account;
using BrandBot.Account.Tagging;
using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Backend;
using BrandBot.Delivery.Limits;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;
using BrandBot.Rules;
using BrandBot.Rules.Store;
using BrandBot.Testing;
using BrandBot.WeChatApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.Delivery.Tests;

/// <summary>
/// The push path as the server composes it (AddRules, AddWeChatApi, AddAccountTagging, AddDelivery), on
/// the embedded stores, with a fake clock and an observer that records what the host would count.
/// </summary>
internal sealed class InMemoryDelivery : IAsyncDisposable
{
    public const string Account = "acme";

    private InMemoryDelivery(ServiceProvider services, FakeTimeProvider time, RecordingObserver observer)
    {
        Services = services;
        Time = time;
        Observer = observer;
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public RecordingObserver Observer { get; }

    public WeChatAccount WeChatAccount { get; } = new(Account, "wx5823bf96d3bd56c7", "token", null, null, null, null);

    public static InMemoryDelivery Create(string yaml, RateLimits? limits = null, Action<IServiceCollection>? more = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-20T10:00:00Z"));
        var observer = new RecordingObserver();
        var collection = new ServiceCollection();
        more?.Invoke(collection);
        var services = collection
            .AddLogging()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IDeliveryObserver>(observer)
            .AddSingleton<IWeChatApiObserver>(observer)
            .AddSingleton<ITaggingObserver>(observer)
            .AddRules(TimeSpan.FromHours(8))
            .AddWeChatApi("http://127.0.0.1:9/")
            .AddAccountTagging()
            .AddDelivery(new DeliveryOptions(), new BackendOptions(), limits ?? new RateLimits(0, 60, 0, 1))
            .BuildServiceProvider();
        services.GetRequiredService<LiveRuleSets>().Install(Account, RuleTestData.Compile(yaml));
        return new InMemoryDelivery(services, time, observer);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>One push through the answering policy, arriving now.</summary>
    public Task<PushOutcome> AnswerAsync(InboundMessage message) =>
        Get<PushAnswerer>().AnswerAsync(WeChatAccount, message, Time.GetTimestamp(), acceptedUntil: null, CancellationToken.None).AsTask();

    /// <summary>The text of a text reply, read from its rendered XML tail.</summary>
    public static string TextOf(PushOutcome outcome)
    {
        Assert.False(outcome.Answer.IsNothing, "expected a reply, got success");
        var tail = Encoding.UTF8.GetString(outcome.Answer.Tail.Span);
        var start = tail.IndexOf("<Content><![CDATA[", StringComparison.Ordinal) + "<Content><![CDATA[".Length;
        return tail[start..tail.IndexOf("]]></Content>", start, StringComparison.Ordinal)];
    }

    public static InboundMessage Text(string content, long msgId, string from = "oFollower0000000000000000001", long createTime = 1_773_999_000) =>
        InboundParser.Parse(Encoding.UTF8.GetBytes(Protocol.Simulation.SampleMessages.Text("gh_test", from, createTime, content, msgId)));

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}

internal sealed class RecordingObserver : IDeliveryObserver, IWeChatApiObserver, ITaggingObserver
{
    public ConcurrentQueue<string> Events { get; } = new();

    public void BackendCalled(string account, string backend, string outcome) => Events.Enqueue($"backend {outcome}");

    public void BackendCircuitChanged(string backend, bool open, TimeSpan breakFor) => Events.Enqueue($"circuit {open}");

    public void StoreUnavailable(string operation) => Events.Enqueue($"store {operation}");

    public void DedupHit(string account, string outcome) => Events.Enqueue($"dedup {outcome}");

    public void RateLimited(string account, string scope) => Events.Enqueue($"limited {scope}");

    public void BudgetFallback(string account) => Events.Enqueue("budget");

    public void FlowEvent(string account, string flow, string @event) => Events.Enqueue($"flow {flow} {@event}");

    public void Followed(string account, string scene) => Events.Enqueue($"follow {scene}");

    public void Unfollowed(string account) => Events.Enqueue("unfollow");

    public void RuleHit(string account, string rule) => Events.Enqueue($"hit {rule}");

    public void Unanswered(string account) => Events.Enqueue("unanswered");

    public void TokenRefreshed(string account, string outcome, string? detail = null) => Events.Enqueue($"token {outcome}");

    public void CustomerServiceSent(string account, string outcome, string? detail = null) => Events.Enqueue($"cs {outcome}");

    public void Tagging(string account, string outcome, int followers) => Events.Enqueue($"tag {outcome}");
}
