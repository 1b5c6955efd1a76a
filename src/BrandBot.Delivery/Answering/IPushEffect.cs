using BrandBot.Delivery.Pipeline;
using BrandBot.Protocol.Inbound;

namespace BrandBot.Delivery.Answering;

/// <summary>
/// Something another room must learn of a push exactly once — for the attempt that counts, never for
/// WeChat's retries (docs/exactly-once.md): that a follower wrote (a customer-service window opens), a
/// job-finish event, an unfollow. Registered with
/// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IPushEffect, X&gt;())</c> by the library
/// that needs it; <see cref="PushEffects"/> calls every one on the request path, so an implementation
/// must return at once (queue the work) and must not throw.
/// </summary>
public interface IPushEffect
{
    void Apply(WeChatAccount account, InboundMessage message);
}
