using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace BrandBot.Testing;

/// <summary>
/// HTTP/1.1 written by hand on a loopback socket, for what HttpClient will not send: broken chunked
/// framing, a declared length whose body never comes.
/// </summary>
public static class RawHttp
{
    public sealed record Answer(int Status, string Head, string Body);

    /// <summary>
    /// Sends <paramref name="request"/> as it is and reads one response (its head, then Content-Length
    /// bytes, the last chunk, or up to the close; a chunked body is left as it came); fails when none
    /// comes within <paramref name="within"/>.
    /// </summary>
    public static async Task<Answer> SendAsync(Uri server, string request, TimeSpan? within = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything; the answer is what counts.
        }

        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, deadline.Token);
            }
            catch (IOException)
            {
                read = 0;
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no complete answer within {within ?? TimeSpan.FromSeconds(10)}; got: {Encoding.UTF8.GetString(received.ToArray())}");
            }

            received.Write(buffer, 0, read);
            var text = Encoding.UTF8.GetString(received.ToArray());
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0)
            {
                var head = text[..headEnd];
                var body = text[(headEnd + 4)..];
                var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(p => int.Parse(p[1].Trim(), CultureInfo.InvariantCulture)).Cast<int?>().FirstOrDefault();
                var chunked = head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
                if (read == 0 || length is { } n && Encoding.UTF8.GetByteCount(body) >= n || chunked && body.EndsWith("0\r\n\r\n", StringComparison.Ordinal))
                {
                    return new Answer(int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture), head, body);
                }
            }
            else if (read == 0)
            {
                throw new IOException($"the server closed without an answer; got: {text}");
            }
        }
    }
}
