namespace BrandBot.Protocol.Crypto;

/// <summary>Decodes the console's 43-character EncodingAESKey into the 32-byte AES key.</summary>
public static class AesKey
{
    public const int EncodedLength = 43;
    public const int KeyLength = 32;

    /// <summary>
    /// Decodes <paramref name="encodingAesKey"/>. docs/protocol.md §2.4 (P4): console keys often have
    /// non-zero discarded bits in the last character, so the decoder must not be strict about
    /// them; .NET's base64 decoder ignores those bits, which is what we want.
    /// </summary>
    public static byte[] Decode(string? encodingAesKey)
    {
        if (!TryDecode(encodingAesKey, out var key, out var reason))
        {
            throw new WeChatCryptoException(WeChatCryptoError.IllegalAesKey, reason);
        }

        return key;
    }

    public static bool TryDecode(string? encodingAesKey, out byte[] key, out string reason)
    {
        key = [];
        if (encodingAesKey is null || encodingAesKey.Length != EncodedLength)
        {
            reason = $"must be {EncodedLength} characters (got {encodingAesKey?.Length ?? 0})";
            return false;
        }

        Span<byte> buffer = stackalloc byte[KeyLength + 1];
        if (!Convert.TryFromBase64String(encodingAesKey + "=", buffer, out var written) || written != KeyLength)
        {
            reason = "is not base64 of a 32-byte key (allowed characters: A-Z a-z 0-9 + /)";
            return false;
        }

        key = buffer[..KeyLength].ToArray();
        reason = "";
        return true;
    }
}
