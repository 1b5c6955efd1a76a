using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Delivery.Pipeline;

/// <summary>
/// Stands in for an OpenID in logs: a short keyed hash that correlates one follower's lines but cannot
/// be turned back into the OpenID without the key (STYLE.md §8).
/// </summary>
public sealed class FollowerHasher
{
    private readonly byte[] _key;

    public FollowerHasher(DeliveryOptions options)
    {
        var configured = options.LogHashKey;
        _key = string.IsNullOrEmpty(configured) ? RandomNumberGenerator.GetBytes(32) : SHA256.HashData(Encoding.UTF8.GetBytes(configured));
    }

    public string Hash(string openId)
    {
        if (openId.Length == 0)
        {
            return "-";
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(openId), mac);
        return "f:" + Convert.ToHexStringLower(mac[..6]);
    }
}
