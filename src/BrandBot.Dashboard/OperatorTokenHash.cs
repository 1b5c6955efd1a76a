using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BrandBot.Dashboard;

/// <summary>
/// A named operator's token as the settings keep it: PBKDF2-HMAC-SHA256 with a random salt per hash, in
/// one self-describing line <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (salt and hash in base64). The
/// line says how it was made, so a later default iteration count leaves hashes already in settings
/// valid. Built on .NET's <see cref="Rfc2898DeriveBytes.Pbkdf2(string, byte[], int, HashAlgorithmName, int)"/>
/// (NIST SP 800-132), never hand-written; see docs/dashboard.md#named-operators.
/// </summary>
public sealed class OperatorTokenHash
{
    public const string Scheme = "pbkdf2-sha256";

    /// <summary>
    /// What <c>hash-token</c> uses. Tokens are at least <see cref="DashboardOptionsValidator.MinTokenLength"/>
    /// characters and meant to be random, so the count is not what keeps them safe; it bounds the cost of
    /// a leaked settings file to an attacker and, at about 40 ms a derivation, what failed sign-ins cost
    /// the server (each one derives once per operator, and the sign-in limits cap how many there are).
    /// </summary>
    public const int DefaultIterations = 100_000;

    public const int MinIterations = 10_000;

    public const int MaxIterations = 10_000_000;

    private const int SaltBytes = 16;

    private const int HashBytes = 32;

    private readonly byte[] _salt;

    private readonly byte[] _hash;

    private OperatorTokenHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    public int Iterations { get; }

    /// <summary>A new line for <paramref name="token"/>, with a fresh random salt.</summary>
    public static string Create(string token, int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(token, salt, iterations, HashBytes);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Reads a settings line; false (with why, never echoing the line) when it is not one <see cref="Create"/> makes.</summary>
    public static bool TryParse(string? line, out OperatorTokenHash parsed, out string problem)
    {
        parsed = null!;
        var parts = (line ?? "").Trim().Split('$');
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            problem = $"must be a line printed by brandbot dashboard hash-token ({Scheme}$ITERATIONS$SALT$HASH)";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < MinIterations or > MaxIterations)
        {
            problem = $"has an iteration count outside {MinIterations}–{MaxIterations}";
            return false;
        }

        var salt = FromBase64(parts[2]);
        var hash = FromBase64(parts[3]);
        if (salt is not { Length: >= SaltBytes } || hash is not { Length: HashBytes })
        {
            problem = $"has a salt or hash that is not base64 of the right length (salt at least {SaltBytes} bytes, hash {HashBytes})";
            return false;
        }

        parsed = new OperatorTokenHash(iterations, salt, hash);
        problem = "";
        return true;
    }

    /// <summary>True when <paramref name="token"/> is the one this line was made from (compared in fixed time).</summary>
    public bool Matches(string token) =>
        CryptographicOperations.FixedTimeEquals(Derive(token, _salt, Iterations, _hash.Length), _hash);

    private static byte[] Derive(string token, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(token), salt, iterations, HashAlgorithmName.SHA256, length);

    private static byte[]? FromBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
