namespace BrandBot.Outbound.Windows;

/// <summary>
/// The customer-service window (docs/outbound-messages.md#the-customer-service-window): after a follower's
/// message, <see cref="MessageAllowance"/> sends within <see cref="MessageWindow"/>; after a follow, a QR
/// scan or a menu click, <see cref="ActionAllowance"/> within <see cref="ActionWindow"/>. A new message or
/// action starts its allowance afresh. WeChat has changed these numbers before, so they are settings.
/// </summary>
public sealed record WindowRules(int MessageAllowance, TimeSpan MessageWindow, int ActionAllowance, TimeSpan ActionWindow)
{
    public static readonly WindowRules Default = new(5, TimeSpan.FromHours(48), 3, TimeSpan.FromMinutes(1));
}
