using System.Text.Json;
using BrandBot.Delivery.Backend;

namespace BrandBot.Delivery.Flows;

/// <summary>The backend's <c>"flow"</c> object (docs/flows-design.md §4.5): end (default), reask, or set/next; a malformed one ends the flow.</summary>
public static class BackendDirective
{
    public static FlowDirective Of(BackendResult result)
    {
        if (result.Flow is not { ValueKind: JsonValueKind.Object } flow)
        {
            return FlowDirective.End;
        }

        if (flow.TryGetProperty("reask", out var slot) && slot.ValueKind == JsonValueKind.String)
        {
            return new ReaskDirective(slot.GetString()!, flow.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null);
        }

        if (flow.TryGetProperty("set", out var set) && set.ValueKind == JsonValueKind.Object)
        {
            var slots = set.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            return new SetDirective(slots, flow.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null);
        }

        return FlowDirective.End;
    }
}
