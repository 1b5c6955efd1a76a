namespace BrandBot.Protocol.Crypto;

/// <summary>The decrypted message in a pooled buffer, and the key that opened it; dispose after reading.</summary>
public struct PooledEnvelope(OpenedMessage message, EnvelopeKey key) : IDisposable
{
    private OpenedMessage _message = message;

    public readonly ReadOnlySpan<byte> Message => _message.Message;

    public EnvelopeKey Key { get; } = key;

    public void Dispose() => _message.Dispose();
}
