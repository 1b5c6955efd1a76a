using System.Net;

namespace BrandBot.Options;

/// <summary>A trusted proxy entry: one address (as a /32 or /128) or a CIDR range.</summary>
public static class TrustedNetwork
{
    public static bool TryParse(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }
}
