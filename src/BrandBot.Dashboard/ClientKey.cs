using System.Net;
using System.Net.Sockets;

namespace BrandBot.Dashboard;

/// <summary>
/// What the sign-in limits count by: an IPv4 address as it is, an IPv6 address by its /64. One
/// subscriber is routinely given a whole /64 (RFC 6177), so counting each IPv6 address alone would let
/// one client try 2^64 times as often as its allowance.
/// </summary>
public static class ClientKey
{
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "-";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }
}
