using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BrandBot.Commands;

/// <summary>Options several verbs share, spelled the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> Settings() => new("--settings") { Description = "a JSON settings file, as the server takes (appsettings.json and BrandBot__… variables are read too)", HelpName = "FILE" };

    public static Option<string> Account(bool required = true) => new("--account") { Description = "the account's Name in the settings", HelpName = "NAME", Required = required };

    public static Option<string?> By() => new("--by") { Description = "who is making the change (default: the login name)", HelpName = "WHO" };

    public static Option<string?> Message() => new("--message") { Description = "why, kept in the history", HelpName = "TEXT" };

    public static Option<bool> Json() => new("--json") { Description = "print JSON instead of the table, for scripts" };

    public static Argument<string> File(string description) => new("FILE") { Description = description };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Terminal output read by people and scripts, never embedded in HTML: keep Chinese readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteJson<T>(TextWriter output, T value) => output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
}
