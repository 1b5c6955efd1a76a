using System.Globalization;
using System.Text;

namespace BrandBot.Dashboard;

/// <summary>
/// A table as a CSV download: UTF-8 with a byte-order mark (so Excel opens Chinese text correctly),
/// RFC 4180 quoting, and cells that a spreadsheet would run as a formula prefixed with an apostrophe.
/// </summary>
public static class Csv
{
    public static bool Wanted(HttpRequest request) => string.Equals(request.Query["format"], "csv", StringComparison.OrdinalIgnoreCase);

    public static IResult File(string name, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', header.Select(Cell)).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(Cell)).Append("\r\n");
        }

        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        return Results.File(body, "text/csv; charset=utf-8", name);
    }

    private static string Cell(object? value)
    {
        var text = value switch
        {
            null => "",
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeOffset at => UtcTime.Format(at),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (text.Length > 0 && value is string && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
