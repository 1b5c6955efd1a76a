using System.Buffers;

namespace BrandBot.Protocol.Xml;

/// <summary>
/// Finds the <c>Encrypt</c> text of a safe-mode push body (docs/protocol.md §2.2). WeChat sends the
/// envelope in one shape — <c>&lt;xml&gt;</c>, a <c>ToUserName</c> CDATA, an <c>Encrypt</c> CDATA,
/// <c>&lt;/xml&gt;</c>, with optional whitespace between elements — and a body in exactly that shape,
/// with an account id and base64 of the plain characters those fields use, is read by a byte scan: no
/// fields, no strings. Anything else (a declaration, a BOM, comments, another order, other fields as in
/// compatible mode, an unusual character) goes to the full reader, <see cref="PushXmlReader.ReadEnvelope"/>,
/// which accepts and refuses as before. The scan accepts only bodies the full reader accepts, and finds
/// the same text there (the tests compare the two on mutated bodies).
/// </summary>
public static class EncryptedEnvelope
{
    /// <summary>The <c>Encrypt</c> text as it lies in <paramref name="body"/>; empty when the envelope has none.</summary>
    /// <exception cref="InboundXmlException">The body is not well-formed XML (as <see cref="PushXmlReader.ReadEnvelope"/> decides).</exception>
    public static ReadOnlyMemory<byte> ReadEncrypt(ReadOnlyMemory<byte> body)
    {
        if (TryScan(body.Span, out var encrypt))
        {
            return body[encrypt];
        }

        PushXmlReader.ReadEnvelope(body, out var text);
        return text;
    }

    // Characters of a gh_ account id and of base64: none needs escaping in XML, none ends a CDATA section.
    private static readonly SearchValues<byte> IdCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"u8);

    private static readonly SearchValues<byte> Base64Characters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/="u8);

    /// <summary>The canonical shape, or false (and the full reader decides).</summary>
    internal static bool TryScan(ReadOnlySpan<byte> body, out Range encrypt)
    {
        encrypt = default;
        var at = 0;
        if (!Take(body, ref at, "<xml>"u8))
        {
            return false;
        }

        SkipSpace(body, ref at);
        if (!Take(body, ref at, "<ToUserName><![CDATA["u8) || !Run(body, ref at, IdCharacters, out _)
            || !Take(body, ref at, "]]></ToUserName>"u8))
        {
            return false;
        }

        SkipSpace(body, ref at);
        if (!Take(body, ref at, "<Encrypt><![CDATA["u8) || !Run(body, ref at, Base64Characters, out var text)
            || text.Start.Value == text.End.Value || !Take(body, ref at, "]]></Encrypt>"u8))
        {
            return false;
        }

        SkipSpace(body, ref at);
        if (!Take(body, ref at, "</xml>"u8))
        {
            return false;
        }

        SkipSpace(body, ref at);
        if (at != body.Length)
        {
            return false;
        }

        encrypt = text;
        return true;
    }

    private static bool Take(ReadOnlySpan<byte> body, ref int at, ReadOnlySpan<byte> literal)
    {
        if (!body[at..].StartsWith(literal))
        {
            return false;
        }

        at += literal.Length;
        return true;
    }

    /// <summary>Characters from <paramref name="allowed"/> up to the next <c>]</c>; false when anything else comes first.</summary>
    private static bool Run(ReadOnlySpan<byte> body, ref int at, SearchValues<byte> allowed, out Range run)
    {
        var rest = body[at..];
        var length = rest.IndexOfAnyExcept(allowed);
        run = default;
        if (length < 0 || rest[length] != (byte)']')
        {
            return false;
        }

        run = at..(at + length);
        at += length;
        return true;
    }

    private static void SkipSpace(ReadOnlySpan<byte> body, ref int at)
    {
        var length = body[at..].IndexOfAnyExcept(" \t\r\n"u8);
        at = length < 0 ? body.Length : at + length;
    }
}
