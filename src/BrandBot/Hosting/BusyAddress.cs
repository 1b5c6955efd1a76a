using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace BrandBot.Hosting;

/// <summary>
/// Finds the listener addresses another process already holds, before Kestrel tries them: its own
/// failure is logged by the host as a stack trace, and an operator needs one sentence — which address is
/// taken. Kestrel's "failed to bind" is turned into the same sentence for a port taken in between.
/// </summary>
internal static partial class BusyAddress
{
    /// <summary>The problems, one per address that cannot be bound now: "URL is already in use".</summary>
    public static IEnumerable<string> Find(IEnumerable<string> urls)
    {
        foreach (var url in urls.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (EndPointOf(url) is { } endPoint && IsTaken(endPoint))
            {
                yield return $"{url} is already in use";
            }
        }
    }

    public static string Describe(IOException bindFailure) =>
        BindMessage().Match(bindFailure.Message) is { Success: true } match
            ? $"{match.Groups["address"].Value} is already in use"
            : "an address BrandBot listens on is already in use";

    private static IPEndPoint? EndPointOf(string url)
    {
        if (Url().Match(url.Trim()) is not { Success: true } match || !int.TryParse(match.Groups["port"].Value, out var port) || port is <= 0 or > 65535)
        {
            return null;
        }

        var host = match.Groups["host"].Value.Trim('[', ']');
        IPAddress? address = host switch
        {
            "+" or "*" or "0.0.0.0" => IPAddress.Any,
            "::" => IPAddress.IPv6Any,
            _ when host.Equals("localhost", StringComparison.OrdinalIgnoreCase) => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        return address is null ? null : new IPEndPoint(address, port);
    }

    private static bool IsTaken(IPEndPoint endPoint)
    {
        try
        {
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(endPoint);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            // Not ours to judge here (no IPv6, an address this host lacks): Kestrel says what it finds.
            return false;
        }
    }

    // Kestrel: "Failed to bind to address http://127.0.0.1:5000: address already in use."
    [GeneratedRegex(@"address (?<address>\S+?): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex BindMessage();

    [GeneratedRegex(@"^https?://(?<host>\[[^\]]+\]|[^:/]+):(?<port>\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex Url();
}
