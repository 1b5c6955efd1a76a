using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BrandBot.FakeWeChat;

/// <summary>
/// A brand backend for the flight-status flow of deploy/rules/demo.yaml (docs/flows.md):
/// <c>POST /demo/flight</c> answers from the flow's slots. A flight number it does not know (starting
/// XX) asks for the number again (<c>"flow": {"reask": "flightNo"}</c>). It counts calls per
/// Idempotency-Key, so a test can see that one flow step is acted on once.
/// </summary>
public static class DemoFlightBackend
{
    public static void Map(WebApplication app, System.Collections.Concurrent.ConcurrentDictionary<string, int> calls) =>
        app.MapPost("/demo/flight", async context =>
        {
            calls.AddOrUpdate(context.Request.Headers["Idempotency-Key"].ToString(), 1, (_, n) => n + 1);
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var slots = body.RootElement.TryGetProperty("flow", out var flow) && flow.TryGetProperty("slots", out var s) ? s : default;
            string Slot(string name) => slots.ValueKind == JsonValueKind.Object && slots.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
            var number = Slot("flightNo").Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
            object answer = number.StartsWith("XX", StringComparison.Ordinal)
                ? new { flow = new { reask = "flightNo", text = $"There is no flight {number}. Please check the number on your booking." } }
                : new { text = $"{number} on {Slot("date")}: {Status(number)}." };
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(JsonSerializer.Serialize(answer, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        });

    private static string Status(string number)
    {
        var hash = number.Aggregate(17, (h, c) => (h * 31) + c) & 0x7fffffff;
        return (hash % 3) switch
        {
            0 => $"on time, departs {8 + (hash % 12):D2}:{hash % 60:D2} from T{1 + (hash % 3)}",
            1 => $"delayed by {15 * (1 + (hash % 4))} minutes",
            _ => $"boarding at gate {1 + (hash % 40)}",
        };
    }
}
