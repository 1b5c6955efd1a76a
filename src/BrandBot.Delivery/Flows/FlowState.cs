using System.Text;
using System.Text.Json;
using BrandBot.Rules.Flows;

namespace BrandBot.Delivery.Flows;

/// <summary>
/// One follower's place in a flow: data only (docs/flows-design.md §4.1) — which flow, which rules version
/// it runs under, the step, the tries at it, the slots so far, a revision every change increments (the
/// compare-and-set of every commit), how many messages it took, when it last heard from the follower,
/// and whether a backend call is still running. No OpenID: the store keys it by the follower's hash.
/// </summary>
public sealed record FlowState(
    string Flow, long Version, string Instance, string Step, int Tries,
    IReadOnlyDictionary<string, string> Slots, long Rev, int Messages, long LastAt, bool Pending)
{
    /// <summary>Slot values are cut to this many characters (they are the follower's words).</summary>
    public const int MaxSlotLength = CompiledFlows.MaxSlotLength;

    /// <summary>JSON with <c>rev</c> first, so the commit script can read it without a JSON parser.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("rev", Rev);
            json.WriteString("flow", Flow);
            json.WriteNumber("version", Version);
            json.WriteString("instance", Instance);
            json.WriteString("step", Step);
            json.WriteNumber("tries", Tries);
            json.WriteNumber("msgs", Messages);
            json.WriteNumber("lastAt", LastAt);
            json.WriteBoolean("pending", Pending);
            json.WriteStartObject("slots");
            foreach (var (name, value) in Slots.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Null for anything that is not a state this code wrote.</summary>
    public static FlowState? FromJson(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var slots = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var slot in root.GetProperty("slots").EnumerateObject())
            {
                slots[slot.Name] = slot.Value.GetString() ?? "";
            }

            return new FlowState(
                root.GetProperty("flow").GetString()!, root.GetProperty("version").GetInt64(), root.GetProperty("instance").GetString()!,
                root.GetProperty("step").GetString()!, root.GetProperty("tries").GetInt32(), slots, root.GetProperty("rev").GetInt64(),
                root.GetProperty("msgs").GetInt32(), root.GetProperty("lastAt").GetInt64(), root.GetProperty("pending").GetBoolean());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
