namespace BrandBot.Dashboard;

/// <summary>Reads a small request body whole, refusing it past a cap without reading on.</summary>
internal static class CappedBody
{
    public enum Outcome
    {
        Read,
        TooLarge,
        Malformed,
    }

    /// <summary>The body when it is at most <paramref name="maxBytes"/>; a declared length over the cap is refused before a byte is read.</summary>
    public static async Task<(Outcome Outcome, byte[] Body)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return (Outcome.TooLarge, []);
        }

        var buffer = new byte[maxBytes + 1];
        var length = 0;
        try
        {
            while (length < buffer.Length)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (Outcome.Read, buffer[..length]);
                }

                length += read;
            }
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            // Kestrel's BadHttpRequestException (broken chunked framing) is an IOException, as is a chunk size that overflows.
            return (Outcome.Malformed, []);
        }

        return (Outcome.TooLarge, []);
    }
}
