using System.Buffers;
using System.Security.Cryptography;

namespace BrandBot.Protocol.Crypto;

/// <summary>
/// A decrypted message in a pooled buffer. Read <see cref="Message"/> before disposing: disposing
/// clears the buffer (it held a follower's words) and returns it to the pool.
/// </summary>
public struct OpenedMessage : IDisposable
{
    private byte[]? _buffer;
    private readonly int _start;
    private readonly int _length;
    private readonly int _used;

    internal OpenedMessage(byte[] buffer, int start, int length, int used)
    {
        _buffer = buffer;
        _start = start;
        _length = length;
        _used = used;
    }

    public readonly ReadOnlySpan<byte> Message => _buffer is null ? default : _buffer.AsSpan(_start, _length);

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, _used));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
