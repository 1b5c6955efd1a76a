using System.Text;

namespace BrandBot.Protocol.Crypto;

/// <summary>
/// One account's envelope keys: the current EncodingAESKey and, during a rotation, the previous one
/// (docs/protocol.md §2.7). Opening tries the current key first, then the previous; the reply must be
/// sealed with whichever key worked, so <see cref="Open(string)"/> reports it. Each key is made ready
/// once (<see cref="EnvelopeKey"/>), here, for the life of the account.
/// </summary>
public sealed class AccountCrypto : IDisposable
{
    private readonly EnvelopeKey _current;
    private readonly EnvelopeKey? _previous;
    private readonly byte[] _appId;

    public AccountCrypto(string appId, string encodingAesKey, string? previousEncodingAesKey = null)
    {
        AppId = appId;
        _appId = Encoding.UTF8.GetBytes(appId);
        _current = new EnvelopeKey(AesKey.Decode(encodingAesKey));
        _previous = string.IsNullOrEmpty(previousEncodingAesKey) ? null : new EnvelopeKey(AesKey.Decode(previousEncodingAesKey));
    }

    public string AppId { get; }

    /// <summary>The AppId as UTF-8, as the envelope carries it.</summary>
    public ReadOnlySpan<byte> AppIdBytes => _appId;

    /// <summary>Decrypts with the current key, falling back to the previous one.</summary>
    public OpenedEnvelope Open(string encrypt)
    {
        using var opened = Open(Encoding.UTF8.GetBytes(encrypt));
        return new OpenedEnvelope(opened.Message.ToArray(), opened.Key);
    }

    /// <summary>
    /// Decrypts the <c>Encrypt</c> text (base64 as UTF-8 bytes) with the current key, falling back to the
    /// previous one, into a pooled buffer the result's <see cref="PooledEnvelope.Dispose"/> clears.
    /// </summary>
    public PooledEnvelope Open(ReadOnlySpan<byte> encrypt)
    {
        try
        {
            return new PooledEnvelope(Envelope.Open(_current, encrypt, _appId), _current);
        }
        catch (WeChatCryptoException first) when (_previous is not null && IsWrongKeySymptom(first.Error))
        {
            try
            {
                return new PooledEnvelope(Envelope.Open(_previous, encrypt, _appId), _previous);
            }
            catch (WeChatCryptoException)
            {
                // Report what the current key said: that is the key the operator expects to work.
                throw first;
            }
        }
    }

    public void Dispose()
    {
        _current.Dispose();
        _previous?.Dispose();
    }

    // Without a MAC, a wrong key shows up as bad padding, an absurd length or a foreign AppId.
    private static bool IsWrongKeySymptom(WeChatCryptoError error) =>
        error is WeChatCryptoError.DecryptAes or WeChatCryptoError.IllegalBuffer or WeChatCryptoError.ValidateAppId;
}

/// <summary>The decrypted message and the key that opened it (to seal the reply with).</summary>
public readonly record struct OpenedEnvelope(byte[] Message, EnvelopeKey Key);
