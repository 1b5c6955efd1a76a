using Microsoft.AspNetCore.Http;

namespace BrandBot.Api;

/// <summary>
/// Reads a request body up to a size, as the dashboard's sign-in does: a declared length over the cap is
/// refused before a byte is read, a body that grows past it is not read further, and broken chunked
/// framing is the caller's mistake (400), not the server's.
/// </summary>
internal static class CappedBody
{
    public enum Outcome
    {
        Read,
        TooLarge,
        Malformed,
    }

    public static async Task<(Outcome Outcome, byte[] Body)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (Outcome.TooLarge, []);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (Outcome.TooLarge, []);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            // Kestrel's BadHttpRequestException (broken chunked framing, a chunk size that overflows) is an IOException.
            return (Outcome.Malformed, []);
        }

        return (Outcome.Read, buffer.ToArray());
    }
}
