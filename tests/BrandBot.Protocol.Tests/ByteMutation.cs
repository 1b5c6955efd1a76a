namespace BrandBot.Protocol.Tests;

/// <summary>One edit of a byte string, for the fuzz properties: change, insert, delete, or cut the tail.</summary>
internal static class ByteMutation
{
    /// <param name="kind">0 change the byte at <paramref name="position"/>, 1 insert <paramref name="count"/> copies of <paramref name="value"/>, 2 delete <paramref name="count"/> bytes, else cut from there.</param>
    /// <param name="replace">Change by replacing with <paramref name="value"/> (keeps an ASCII alphabet ASCII) rather than flipping bits with it.</param>
    public static byte[] Apply(byte[] source, int kind, int position, byte value, int count, bool replace = false)
    {
        var bytes = source.ToList();
        if (bytes.Count == 0)
        {
            return kind == 1 ? [.. Enumerable.Repeat(value, count)] : [];
        }

        switch (kind)
        {
            case 0:
                bytes[position] = replace ? value : (byte)(bytes[position] ^ (value == 0 ? 1 : value));
                break;
            case 1:
                bytes.InsertRange(position, Enumerable.Repeat(value, count));
                break;
            case 2:
                bytes.RemoveRange(position, Math.Min(count, bytes.Count - position));
                break;
            default:
                bytes.RemoveRange(position, bytes.Count - position);
                break;
        }

        return [.. bytes];
    }
}
