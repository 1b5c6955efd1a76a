using System.Globalization;

namespace BrandBot.Dashboard;

/// <summary>
/// How a time is written for a person, on the pages' CSV exports and in every verb's output
/// (docs/dashboard.md#times-and-ranges): UTC, saying so, e.g. <c>2026-12-06 16:30:05 UTC</c>. The
/// pages' own twin is <c>utc()</c> in wwwroot/app.js; JSON carries ISO 8601 instead.
/// </summary>
public static class UtcTime
{
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
