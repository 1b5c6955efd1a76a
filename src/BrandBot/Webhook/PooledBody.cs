using System.Buffers;

namespace BrandBot.Webhook;

/// <summary>A request body in a pooled buffer; disposing clears it (a plain push holds a follower's words) and returns it.</summary>
internal sealed class PooledBody(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlyMemory<byte> Memory => _buffer is { } b ? b.AsMemory(0, length) : ReadOnlyMemory<byte>.Empty;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } b)
        {
            b.AsSpan(0, length).Clear();
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
