namespace BrandBot.Protocol.Crypto;

/// <summary>
/// One account's envelope keys: the current EncodingAESKey and, during a rotation, the previous one
/// (docs/protocol.md §2.7). Opening tries the current key first, then the previous; the reply must be
/// sealed with whichever key worked, so <see cref="Open"/> reports it.
/// </summary>
public sealed class AccountCrypto
{
    private readonly byte[] _current;
    private readonly byte[]? _previous;

    public AccountCrypto(string appId, string encodingAesKey, string? previousEncodingAesKey = null)
    {
        AppId = appId;
        _current = AesKey.Decode(encodingAesKey);
        _previous = string.IsNullOrEmpty(previousEncodingAesKey) ? null : AesKey.Decode(previousEncodingAesKey);
    }

    public string AppId { get; }

    /// <summary>Decrypts with the current key, falling back to the previous one.</summary>
    public OpenedEnvelope Open(string encrypt)
    {
        try
        {
            return new OpenedEnvelope(Envelope.Open(_current, encrypt, AppId), _current);
        }
        catch (WeChatCryptoException first) when (_previous is not null && IsWrongKeySymptom(first.Error))
        {
            try
            {
                return new OpenedEnvelope(Envelope.Open(_previous, encrypt, AppId), _previous);
            }
            catch (WeChatCryptoException)
            {
                // Report what the current key said: that is the key the operator expects to work.
                throw first;
            }
        }
    }

    // Without a MAC, a wrong key shows up as bad padding, an absurd length or a foreign AppId.
    private static bool IsWrongKeySymptom(WeChatCryptoError error) =>
        error is WeChatCryptoError.DecryptAes or WeChatCryptoError.IllegalBuffer or WeChatCryptoError.ValidateAppId;
}

/// <summary>The decrypted message and the key that opened it (to seal the reply with).</summary>
public readonly record struct OpenedEnvelope(byte[] Message, byte[] Key);
