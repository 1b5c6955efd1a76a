using System.Collections.Concurrent;
using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BrandBot.Delivery.Tests.Answering;

/// <summary>Rooms that register an <see cref="IPushEffect"/> learn of each push once, and cannot break its answer.</summary>
public sealed class PushEffectTests
{
    private const string Rules = """
        default:
          replies: [ text: "default reply" ]
        rules:
          - { name: hours, keywords: [ equal: "hours" ], replies: [ text: "We open 9:00-21:00" ] }
        """;

    [Fact]
    public async Task EveryRegisteredEffect_SeesAPushOnce_NotItsRetry()
    {
        var first = new RecordingEffect();
        var second = new RecordingEffect();
        await using var delivery = InMemoryDelivery.Create(Rules, more: services =>
        {
            // Two instances of one type: TryAddEnumerable would keep only the first.
            services.AddSingleton<IPushEffect>(first);
            services.AddSingleton<IPushEffect>(second);
        });

        await delivery.AnswerAsync(InMemoryDelivery.Text("hours", 1));
        await delivery.AnswerAsync(InMemoryDelivery.Text("hours", 1));
        await delivery.AnswerAsync(InMemoryDelivery.Text("something else", 2));

        Assert.Equal(["1", "2"], first.MsgIds);
        Assert.Equal(["1", "2"], second.MsgIds);
        Assert.All(first.Accounts, a => Assert.Equal(InMemoryDelivery.Account, a));
    }

    [Fact]
    public async Task AnEffectThatThrows_LeavesTheAnswerAndTheOtherEffects()
    {
        var after = new RecordingEffect();
        await using var delivery = InMemoryDelivery.Create(Rules, more: services =>
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IPushEffect, ThrowingEffect>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IPushEffect>(after));
        });

        var outcome = await delivery.AnswerAsync(InMemoryDelivery.Text("hours", 3));

        Assert.Equal("We open 9:00-21:00", InMemoryDelivery.TextOf(outcome));
        Assert.Equal(["3"], after.MsgIds);
    }

    private sealed class RecordingEffect : IPushEffect
    {
        private readonly ConcurrentQueue<(string Account, string MsgId)> _seen = new();

        public IEnumerable<string> MsgIds => _seen.Select(s => s.MsgId);

        public IEnumerable<string> Accounts => _seen.Select(s => s.Account);

        public void Apply(WeChatAccount account, InboundMessage message) =>
            _seen.Enqueue((account.Name, ((UserMessage)message).MsgId));
    }

    private sealed class ThrowingEffect : IPushEffect
    {
        public void Apply(WeChatAccount account, InboundMessage message) => throw new InvalidOperationException("bookkeeping broke");
    }
}
