using BrandBot.Outbound.Windows;

namespace BrandBot.Outbound.Store;

/// <summary>What must hold, in the same atomic step as the key claim, for a message to be queued.</summary>
public abstract record AcceptGate
{
    public static readonly AcceptGate None = new NoGate();

    private sealed record NoGate : AcceptGate;
}

/// <summary>A customer-service message: one send taken from the follower's window.</summary>
public sealed record WindowGate(WindowRules Rules) : AcceptGate;

/// <summary>A subscription notification: one grant of (follower, template) consumed.</summary>
public sealed record GrantGate(string TemplateId) : AcceptGate;
