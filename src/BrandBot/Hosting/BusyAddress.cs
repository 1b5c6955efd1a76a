using System.Text.RegularExpressions;

namespace BrandBot.Hosting;

/// <summary>Turns Kestrel's "failed to bind" into the sentence an operator needs: which address is taken.</summary>
internal static partial class BusyAddress
{
    public static string Describe(IOException bindFailure) =>
        BindMessage().Match(bindFailure.Message) is { Success: true } match
            ? $"{match.Groups["address"].Value} is already in use"
            : "an address BrandBot listens on is already in use";

    // Kestrel: "Failed to bind to address http://127.0.0.1:5000: address already in use."
    [GeneratedRegex(@"address (?<address>\S+?): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex BindMessage();
}
