using System.Security.Cryptography;

namespace BrandBot.Delivery.Pipeline;

/// <summary>Randomness for envelope prefixes, injected so tests can pin it.</summary>
public interface IEntropy
{
    void Fill(Span<byte> buffer);
}

/// <summary>
/// The operating system's generator, drawn 4 KB at a time per thread: one call for 16 bytes cost more
/// than the SHA-1 of the reply's signature (2–5 µs on the load machine), and every sealed reply needs
/// 16. The bytes are the same generator's; each is handed out once.
/// </summary>
public sealed class SystemEntropy : IEntropy
{
    private const int DrawBytes = 4096;

    [ThreadStatic]
    private static byte[]? t_drawn;

    [ThreadStatic]
    private static int t_used;

    public void Fill(Span<byte> buffer)
    {
        if (buffer.Length > DrawBytes / 4)
        {
            RandomNumberGenerator.Fill(buffer);
            return;
        }

        if (t_drawn is null || t_used + buffer.Length > DrawBytes)
        {
            t_drawn ??= new byte[DrawBytes];
            RandomNumberGenerator.Fill(t_drawn);
            t_used = 0;
        }

        var taken = t_drawn.AsSpan(t_used, buffer.Length);
        taken.CopyTo(buffer);
        // What was handed out is not kept: a later reader of this memory learns nothing of past prefixes.
        taken.Clear();
        t_used += buffer.Length;
    }
}
