using System.Net;
using System.Net.Sockets;

namespace BrandBot.IntegrationTests;

internal static class Ports
{
    /// <summary>A loopback port nobody listens on right now, chosen by the OS.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
