using System.Buffers;

namespace BrandBot.Webhook;

/// <summary>Reads a request body into memory, refusing anything above the cap without reading it all.</summary>
internal static class BodyReader
{
    /// <summary>
    /// The body in a pooled buffer (dispose it once the push is processed), or null when it is larger than
    /// <paramref name="maxBytes"/>. Pooled, not copied out: a safe-mode body is kilobytes on every push.
    /// </summary>
    public static async Task<PooledBody?> ReadCappedAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        // A declared length over the cap is refused before a single body byte is read.
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return null;
        }

        var initial = (int)Math.Min(request.ContentLength ?? 4096, maxBytes);
        byte[]? buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 256));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        return null;
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = bigger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }

            var body = new PooledBody(buffer, length);
            buffer = null;
            return body;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            }
        }
    }
}
