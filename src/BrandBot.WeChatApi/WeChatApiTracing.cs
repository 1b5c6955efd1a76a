using System.Diagnostics;

namespace BrandBot.WeChatApi;

/// <summary>
/// Spans of outbound calls, under the same source name as the push path's so one OTLP listener sees
/// both. Tags carry accounts and outcomes, never OpenIDs, tokens or message text.
/// </summary>
internal static class WeChatApiTracing
{
    public static readonly ActivitySource Source = new("BrandBot");
}
