namespace BrandBot.Outbound.Messages;

/// <summary>The <c>Idempotency-Key</c> header's shape: 1–64 of <c>A–Z a–z 0–9 . _ : -</c> (docs/outbound-messages.md#idempotency).</summary>
public static class IdempotencyKey
{
    public const int MaxLength = 64;

    /// <summary>How long a key answers with its first message (a day, like the payment APIs backends know).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The template send's <c>client_msg_id</c>: derived, never random, so every retry of one message —
    /// on any instance, after any crash — carries the same one and WeChat keeps one message
    /// (docs/outbound-messages.md#exactly-once). The account is part of it: keys are per account.
    /// </summary>
    public static string ClientMsgId(string account, string key)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(account + "\n" + key));
        return "bb-" + Convert.ToHexStringLower(digest.AsSpan(0, 16));
    }
}
