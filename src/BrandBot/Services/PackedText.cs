using System.IO.Compression;
using System.Text;

namespace BrandBot.Services;

/// <summary>
/// Text kept for a rare use, compressed: the live rules' YAML, held only to re-seed an emptied store
/// (100,000 rules: 8.7 MB of UTF-8 as bytes on the large-object heap for the process's life; ~0.9 MB
/// packed, docs/performance.md "Memory with 100,000 rules").
/// </summary>
internal static class PackedText
{
    public static byte[] Pack(string text)
    {
        using var packed = new MemoryStream();
        using (var deflate = new DeflateStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new StreamWriter(deflate, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            writer.Write(text);
        }

        return packed.ToArray();
    }

    public static string Unpack(byte[] packed)
    {
        using var deflate = new DeflateStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var reader = new StreamReader(deflate, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
