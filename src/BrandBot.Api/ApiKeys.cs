using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Api;

/// <summary>
/// Finds the key a request presents. Every configured key is compared, always all of them, over SHA-256
/// digests with <see cref="CryptographicOperations.FixedTimeEquals"/>: the time taken says nothing about
/// how much of a guess was right, nor which key matched. Keys are never logged.
/// </summary>
public sealed class ApiKeys
{
    private readonly (byte[] Digest, ApiKeyOptions Key)[] _keys;

    public ApiKeys(ApiOptions options) =>
        _keys = [.. options.Keys.Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k))];

    /// <summary>The key for an <c>Authorization</c> header value, or null (missing, malformed, unknown).</summary>
    public ApiKeyOptions? Find(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        ApiKeyOptions? found = null;
        foreach (var (digest, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, presented))
            {
                found = key;
            }
        }

        return found;
    }

    public static bool Allows(ApiKeyOptions key, string account) =>
        key.Accounts.Any(a => a == "*" || a.Equals(account, StringComparison.OrdinalIgnoreCase));
}
