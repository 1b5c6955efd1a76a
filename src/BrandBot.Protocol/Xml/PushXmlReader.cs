using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Ascii = System.Text.Ascii;

namespace BrandBot.Protocol.Xml;

/// <summary>
/// Reads a push body into <see cref="PushFields"/>: a strict reader for the XML WeChat sends —
/// UTF-8, elements, text, CDATA, the predefined and numeric character references; comments and
/// processing instructions are skipped, attributes checked and ignored. docs/protocol.md §9 P5 and §10:
/// a DTD is refused outright, so neither XXE nor entity expansion can happen; depth and element
/// count are capped so a hostile body costs little.
/// </summary>
/// <remarks>
/// Hand-written rather than <c>System.Xml.XmlReader</c> because every push is read twice in safe
/// mode (envelope, then message) and XmlReader allocates ~16 KB of buffers per document — most of
/// the request path's garbage. The tests hold it to XmlReader's verdicts and values (differential
/// properties over random and mutated documents), so it accepts what XmlReader accepts.
/// </remarks>
public static class PushXmlReader
{
    public const int MaxDepth = 8;
    public const int MaxLeaves = 512;

    /// <exception cref="InboundXmlException">The body is not well-formed, uses a DTD, or exceeds the caps.</exception>
    public static PushFields Read(ReadOnlyMemory<byte> body) => Read(body.Span);

    /// <summary>Reads a push body from a span (e.g. a decrypted message in a pooled buffer).</summary>
    /// <inheritdoc cref="Read(ReadOnlyMemory{byte})"/>
    public static PushFields Read(ReadOnlySpan<byte> body)
    {
        var reader = new Scanner(CheckedUtf8(body));
        return reader.ReadDocument();
    }

    /// <summary>
    /// Reads the outer envelope of an encrypted push and finds its <c>Encrypt</c> text where it lies in
    /// <paramref name="body"/>, as bytes: the kilobytes of base64 are never copied into a string. When the
    /// text is not one plain run (a character reference, line breaks inside it), it is decoded as
    /// <see cref="Read(ReadOnlyMemory{byte})"/> would and returned as fresh bytes.
    /// </summary>
    /// <returns>The envelope's other fields; <paramref name="encrypt"/> is empty when there is no <c>Encrypt</c>.</returns>
    public static PushFields ReadEnvelope(ReadOnlyMemory<byte> body, out ReadOnlyMemory<byte> encrypt)
    {
        var reader = new Scanner(CheckedUtf8(body.Span), captureEncrypt: true);
        var fields = reader.ReadDocument();
        encrypt = reader.HasCaptured ? body[reader.Captured]
            : fields["Encrypt"] is { } text ? Encoding.UTF8.GetBytes(text)
            : ReadOnlyMemory<byte>.Empty;
        return fields;
    }

    private static ReadOnlySpan<byte> CheckedUtf8(ReadOnlySpan<byte> body) =>
        Utf8.IsValid(body) ? body : throw new InboundXmlException("malformed XML: not UTF-8");

    private ref struct Scanner(ReadOnlySpan<byte> xml, bool captureEncrypt = false)
    {
        private readonly ReadOnlySpan<byte> _xml = xml;
        private readonly bool _captureEncrypt = captureEncrypt;
        private int _at;

        /// <summary>Where the first <c>Encrypt</c> leaf's text lies, when it was one plain run of base64 characters.</summary>
        public Range Captured { get; private set; }

        public bool HasCaptured { get; private set; }

        public PushFields ReadDocument()
        {
            if (_xml.StartsWith("\uFEFF"u8))
            {
                _at = 3;
            }

            if (_xml[_at..].StartsWith("<?xml"u8) && _xml.Length > _at + 5 && IsSpace(_xml[_at + 5]))
            {
                ReadDeclaration();
            }

            SkipMisc();
            if (_at >= _xml.Length)
            {
                throw new InboundXmlException("no root element");
            }

            if (!Peek("<"u8) || _at + 1 >= _xml.Length || !IsNameStart(_xml[_at + 1]))
            {
                throw Malformed();
            }

            var fields = new PushFields();
            ReadRoot(fields);
            SkipMisc();
            if (_at < _xml.Length)
            {
                // A second root, or text after the root.
                throw Malformed();
            }

            return fields;
        }

        /// <summary>The root element and everything in it; the root's own name is not part of any path.</summary>
        private void ReadRoot(PushFields fields)
        {
            _at++;
            var rootName = ReadNameRange();
            if (ReadAttributesAndClose())
            {
                return;
            }

            // Open element names below the root; index 0 is the root's first child.
            Span<Range> open = stackalloc Range[MaxDepth];
            var names = new string[MaxDepth];
            var depth = 0;
            var text = (string?)null;
            // The current leaf's text while it is one undecoded slice (only for the Encrypt leaf being captured).
            var piece = (Range?)null;
            while (true)
            {
                if (_at >= _xml.Length)
                {
                    throw Malformed();
                }

                if (_xml[_at] != (byte)'<')
                {
                    if (Capturing(names, depth) && TryReadPlainRun(out var run))
                    {
                        if (IsAllSpace(_xml[run]))
                        {
                            continue;
                        }

                        if (text is null && piece is null)
                        {
                            piece = run;
                            continue;
                        }

                        text = Append(Materialize(ref piece, text), Decode(_xml[run]));
                        continue;
                    }

                    text = Append(Materialize(ref piece, text), ReadCharData());
                    continue;
                }

                if (Peek("<![CDATA["u8))
                {
                    if (Capturing(names, depth) && text is null && piece is null)
                    {
                        piece = ReadCDataRange();
                    }
                    else
                    {
                        text = Append(Materialize(ref piece, text), ReadCData());
                    }
                }
                else if (Peek("<!--"u8))
                {
                    SkipComment();
                }
                else if (Peek("<?"u8))
                {
                    SkipProcessingInstruction();
                }
                else if (Peek("<!"u8))
                {
                    throw Peek("<!DOCTYPE"u8) ? new InboundXmlException("DTD is prohibited") : Malformed();
                }
                else if (Peek("</"u8))
                {
                    _at += 2;
                    var closing = ReadNameRange();
                    SkipSpace();
                    Expect((byte)'>');
                    if (depth == 0)
                    {
                        if (!_xml[closing].SequenceEqual(_xml[rootName]))
                        {
                            throw Malformed();
                        }

                        return;
                    }

                    depth--;
                    if (!_xml[closing].SequenceEqual(_xml[open[depth]]))
                    {
                        throw Malformed();
                    }

                    if (piece is { } captured && text is null)
                    {
                        var raw = _xml[captured];
                        var trimmed = raw.Trim(" \t\r\n"u8);
                        if (Ascii.IsValid(trimmed) && trimmed.IndexOfAny(" \t\r\n"u8) < 0)
                        {
                            // Encrypt's text, as it lies in the body: no string is made of it.
                            var start = captured.Start.Value + (int)(Unsafe.ByteOffset(ref MemoryMarshal.GetReference(raw), ref MemoryMarshal.GetReference(trimmed)));
                            Captured = start..(start + trimmed.Length);
                            HasCaptured = true;
                        }
                        else
                        {
                            text = Decode(raw);
                        }
                    }

                    if (text is not null)
                    {
                        AddLeaf(fields, names, depth, text);
                    }

                    text = null;
                    piece = null;
                }
                else
                {
                    _at++;
                    if (depth >= MaxDepth)
                    {
                        throw new InboundXmlException($"elements nested deeper than {MaxDepth}");
                    }

                    var name = ReadNameRange();
                    names[depth] = KnownNames.Get(_xml[name]);
                    if (ReadAttributesAndClose())
                    {
                        // Mixed content: text around an empty element stays one value.
                        AddLeaf(fields, names, depth, "");
                    }
                    else
                    {
                        open[depth++] = name;
                        text = null;
                        piece = null;
                    }
                }
            }
        }

        /// <summary>True inside the first <c>Encrypt</c> element directly below the root, when capturing it.</summary>
        private readonly bool Capturing(string[] names, int depth) =>
            _captureEncrypt && !HasCaptured && depth == 1 && names[0] == "Encrypt";

        /// <summary>The captured slice becomes text after all (more text follows it).</summary>
        private readonly string? Materialize(ref Range? piece, string? text)
        {
            if (piece is not { } range)
            {
                return text;
            }

            piece = null;
            return Append(text, Decode(_xml[range]));
        }

        /// <summary>A run of character data without references, checked, or false (nothing read) when it has one.</summary>
        private bool TryReadPlainRun(out Range run)
        {
            var start = _at;
            var end = _xml[start..].IndexOfAny((byte)'<', (byte)'&');
            end = end < 0 ? _xml.Length : start + end;
            if (end < _xml.Length && _xml[end] == (byte)'&')
            {
                run = default;
                return false;
            }

            CheckCharData(_xml[start..end], start);
            _at = end;
            run = start..end;
            return true;
        }

        /// <summary>A CDATA section's text, checked, as where it lies in the body.</summary>
        private Range ReadCDataRange()
        {
            var start = _at + "<![CDATA["u8.Length;
            var length = _xml[start..].IndexOf("]]>"u8);
            if (length < 0)
            {
                _at = _xml.Length;
                throw Malformed();
            }

            CheckChars(_xml.Slice(start, length), start);
            _at = start + length + 3;
            return start..(start + length);
        }

        private static string? Append(string? text, string? more) =>
            more is null ? text : text is null ? more : text + more;

        private static void AddLeaf(PushFields fields, string[] names, int depth, string value)
        {
            if (fields.Count >= MaxLeaves)
            {
                throw new InboundXmlException($"more than {MaxLeaves} elements");
            }

            var key = depth == 0 ? names[0] : string.Join('/', names, 0, depth + 1);
            // docs/protocol.md §10: node-webot and the other SDKs trim surrounding whitespace of values.
            fields.Add(key, value.Trim());
        }

        /// <summary>
        /// A run of character data up to the next markup, references resolved. A run of nothing but
        /// whitespace between elements is layout, not a value: null.
        /// </summary>
        private string? ReadCharData()
        {
            if (TryReadPlainRun(out var run))
            {
                // The common case: no references, one slice.
                var slice = _xml[run];
                return IsAllSpace(slice) ? null : Decode(slice);
            }

            var text = new StringBuilder();
            var allSpace = true;
            while (_at < _xml.Length && _xml[_at] != (byte)'<')
            {
                var next = _xml[_at..].IndexOfAny((byte)'<', (byte)'&');
                var stop = next < 0 ? _xml.Length : _at + next;
                var slice = _xml[_at..stop];
                CheckCharData(slice, _at);
                allSpace &= IsAllSpace(slice);
                text.Append(Decode(slice));
                _at = stop;
                if (_at < _xml.Length && _xml[_at] == (byte)'&')
                {
                    // XmlReader counts a reference to a space character as layout too.
                    AppendReference(text);
                    allSpace &= text[^1] is ' ' or '\t' or '\n' or '\r';
                }
            }

            return allSpace ? null : text.ToString();
        }

        private string ReadCData() => Decode(_xml[ReadCDataRange()]);

        private void AppendReference(StringBuilder text)
        {
            var semicolon = _xml[_at..].IndexOf((byte)';');
            if (semicolon < 2)
            {
                throw Malformed();
            }

            var name = _xml.Slice(_at + 1, semicolon - 1);
            if (name[0] == (byte)'#')
            {
                AppendCharacterReference(text, name[1..]);
            }
            else
            {
                text.Append(name switch
                {
                    _ when name.SequenceEqual("lt"u8) => '<',
                    _ when name.SequenceEqual("gt"u8) => '>',
                    _ when name.SequenceEqual("amp"u8) => '&',
                    _ when name.SequenceEqual("quot"u8) => '"',
                    _ when name.SequenceEqual("apos"u8) => '\'',
                    // No DTD, so no other entity can be declared.
                    _ => throw Malformed(),
                });
            }

            _at += semicolon + 1;
        }

        private void AppendCharacterReference(StringBuilder text, ReadOnlySpan<byte> digits)
        {
            var hex = digits.Length > 0 && digits[0] == (byte)'x';
            if (hex)
            {
                digits = digits[1..];
            }

            if (digits.Length is 0 or > 8)
            {
                throw Malformed();
            }

            var value = 0;
            foreach (var d in digits)
            {
                var digit = d switch
                {
                    >= (byte)'0' and <= (byte)'9' => d - '0',
                    >= (byte)'a' and <= (byte)'f' when hex => d - 'a' + 10,
                    >= (byte)'A' and <= (byte)'F' when hex => d - 'A' + 10,
                    _ => throw Malformed(),
                };
                value = (value * (hex ? 16 : 10)) + digit;
            }

            if (!IsXmlChar(value))
            {
                throw Malformed();
            }

            if (value <= 0xFFFF)
            {
                text.Append((char)value);
            }
            else
            {
                text.Append(char.ConvertFromUtf32(value));
            }
        }

        /// <summary>
        /// <c>&lt;?xml version="1.x" [encoding="…"] [standalone="yes|no"]?&gt;</c>, in that order. The
        /// encoding, if named, must be UTF-8: WeChat sends nothing else and we decode nothing else.
        /// </summary>
        private void ReadDeclaration()
        {
            _at += 5;
            var version = ReadPseudoAttribute("version"u8, required: true);
            if (!version.SequenceEqual("1.0"u8))
            {
                throw Malformed();
            }

            var encoding = ReadPseudoAttribute("encoding"u8, required: false);
            if (!encoding.IsEmpty && !Ascii.EqualsIgnoreCase(encoding, "utf-8"u8))
            {
                throw new InboundXmlException($"unsupported encoding '{Printable(Encoding.UTF8.GetString(encoding))}' (WeChat sends UTF-8)");
            }

            var standalone = ReadPseudoAttribute("standalone"u8, required: false);
            if (!standalone.IsEmpty && !standalone.SequenceEqual("yes"u8) && !standalone.SequenceEqual("no"u8))
            {
                throw Malformed();
            }

            SkipSpace();
            if (!Peek("?>"u8))
            {
                throw Malformed();
            }

            _at += 2;
        }

        /// <summary>The quoted value of <c>S name S? = S? "value"</c> if it comes next; empty when absent and not required.</summary>
        private ReadOnlySpan<byte> ReadPseudoAttribute(ReadOnlySpan<byte> name, bool required)
        {
            var start = _at;
            if (!SkipSpace() || !Peek(name))
            {
                _at = start;
                return required ? throw Malformed() : default;
            }

            _at += name.Length;
            SkipSpace();
            Expect((byte)'=');
            SkipSpace();
            if (_at >= _xml.Length || (_xml[_at] != (byte)'"' && _xml[_at] != (byte)'\''))
            {
                throw Malformed();
            }

            var quote = _xml[_at++];
            var end = _xml[_at..].IndexOf(quote);
            if (end <= 0)
            {
                throw Malformed();
            }

            var value = _xml.Slice(_at, end);
            if (value.IndexOfAny((byte)'<', (byte)'&') >= 0)
            {
                throw Malformed();
            }

            CheckChars(value, _at);
            _at += end + 1;
            return value;
        }

        /// <summary>Whitespace, comments and processing instructions before or after the root.</summary>
        private void SkipMisc()
        {
            while (_at < _xml.Length)
            {
                if (IsSpace(_xml[_at]))
                {
                    _at++;
                }
                else if (Peek("<!--"u8))
                {
                    SkipComment();
                }
                else if (Peek("<!DOCTYPE"u8))
                {
                    throw new InboundXmlException("DTD is prohibited");
                }
                else if (Peek("<?"u8))
                {
                    SkipProcessingInstruction();
                }
                else
                {
                    return;
                }
            }
        }

        private void SkipComment()
        {
            var start = _at + 4;
            var end = _xml[start..].IndexOf("--"u8);
            // XML forbids "--" inside a comment: the first one must close it.
            if (end < 0 || start + end + 2 >= _xml.Length || _xml[start + end + 2] != (byte)'>')
            {
                throw Malformed();
            }

            CheckChars(_xml.Slice(start, end), start);
            _at = start + end + 3;
        }

        private void SkipProcessingInstruction()
        {
            _at += 2;
            var target = ReadNameRange();
            var name = _xml[target];
            if (name.Length == 3 && (name[0] | 0x20) == 'x' && (name[1] | 0x20) == 'm' && (name[2] | 0x20) == 'l')
            {
                // The declaration is only allowed at the very start; "xml" in any case is reserved.
                throw Malformed();
            }

            var end = _xml[_at..].IndexOf("?>"u8);
            if (end < 0 || (end > 0 && !IsSpace(_xml[_at])))
            {
                throw Malformed();
            }

            CheckChars(_xml.Slice(_at, end), _at);
            _at += end + 2;
        }

        /// <summary>Attributes (checked, ignored) up to the tag's end: true for <c>/&gt;</c>, false for <c>&gt;</c>.</summary>
        private bool ReadAttributesAndClose()
        {
            Span<Range> seen = stackalloc Range[16];
            var count = 0;
            while (true)
            {
                var spaced = SkipSpace();
                if (Peek("/>"u8))
                {
                    _at += 2;
                    return true;
                }

                if (Peek(">"u8))
                {
                    _at++;
                    return false;
                }

                if (!spaced || _at >= _xml.Length || !IsNameStart(_xml[_at]))
                {
                    throw Malformed();
                }

                var name = ReadNameRange();
                for (var i = 0; i < count; i++)
                {
                    if (_xml[seen[i]].SequenceEqual(_xml[name]))
                    {
                        throw Malformed();
                    }
                }

                if (count == seen.Length)
                {
                    throw new InboundXmlException($"more than {seen.Length} attributes on one element");
                }

                seen[count++] = name;
                SkipSpace();
                Expect((byte)'=');
                SkipSpace();
                SkipAttributeValue();
            }
        }

        private void SkipAttributeValue()
        {
            if (_at >= _xml.Length || (_xml[_at] != (byte)'"' && _xml[_at] != (byte)'\''))
            {
                throw Malformed();
            }

            var quote = _xml[_at++];
            var end = _xml[_at..].IndexOf(quote);
            if (end < 0)
            {
                throw Malformed();
            }

            var value = _xml.Slice(_at, end);
            CheckChars(value, _at);
            if (value.Contains((byte)'<'))
            {
                throw Malformed();
            }

            // References in the value must still be well-formed and declared.
            var valueEnd = _at + end;
            StringBuilder? resolved = null;
            while (true)
            {
                var amp = _xml[_at..valueEnd].IndexOf((byte)'&');
                if (amp < 0)
                {
                    break;
                }

                _at += amp;
                AppendReference(resolved ??= new StringBuilder());
                if (_at > valueEnd)
                {
                    throw Malformed();
                }
            }

            _at = valueEnd + 1;
        }

        private Range ReadNameRange()
        {
            var start = _at;
            if (_at >= _xml.Length || !IsNameStart(_xml[_at]))
            {
                throw Malformed();
            }

            _at++;
            while (_at < _xml.Length && IsNameChar(_xml[_at]))
            {
                _at++;
            }

            if (_xml[start.._at].Contains((byte)':'))
            {
                // WeChat uses no namespaces; a prefix would be undeclared, which XML refuses too.
                throw new InboundXmlException($"malformed XML: namespace prefix at position {start + 1}");
            }

            return start.._at;
        }

        private bool SkipSpace()
        {
            var start = _at;
            while (_at < _xml.Length && IsSpace(_xml[_at]))
            {
                _at++;
            }

            return _at > start;
        }

        private void Expect(byte b)
        {
            if (_at >= _xml.Length || _xml[_at] != b)
            {
                throw Malformed();
            }

            _at++;
        }

        private readonly bool Peek(ReadOnlySpan<byte> what) => _xml[_at..].StartsWith(what);

        /// <summary>Character data may not contain <c>]]&gt;</c> nor characters XML forbids.</summary>
        private readonly void CheckCharData(ReadOnlySpan<byte> slice, int offset)
        {
            var close = slice.IndexOf("]]>"u8);
            if (close >= 0)
            {
                throw MalformedAt(offset + close);
            }

            CheckChars(slice, offset);
        }

        /// <summary>XML 1.0 Char: no C0 controls but tab, LF and CR; no U+FFFE or U+FFFF (EF BF BE/BF).</summary>
        private readonly void CheckChars(ReadOnlySpan<byte> slice, int offset)
        {
            for (var i = 0; i < slice.Length; i++)
            {
                var b = slice[i];
                if ((b < 0x20 && b is not (0x09 or 0x0A or 0x0D))
                    || (b == 0xEF && i + 2 < slice.Length && slice[i + 1] == 0xBF && slice[i + 2] >= 0xBE))
                {
                    throw MalformedAt(offset + i);
                }
            }
        }

        private static bool IsXmlChar(int c) =>
            c is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);

        /// <summary>Text as XML reads it: line ends normalised to LF.</summary>
        private static string Decode(ReadOnlySpan<byte> slice)
        {
            var text = Encoding.UTF8.GetString(slice);
            return text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n') : text;
        }

        private static bool IsAllSpace(ReadOnlySpan<byte> slice)
        {
            foreach (var b in slice)
            {
                if (!IsSpace(b))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

        // ASCII by the XML rules; any non-ASCII UTF-8 byte is let through as part of a name.
        private static bool IsNameStart(byte b) => char.IsAsciiLetter((char)b) || b is (byte)'_' or (byte)':' or >= 0x80;

        private static bool IsNameChar(byte b) => IsNameStart(b) || char.IsAsciiDigit((char)b) || b is (byte)'-' or (byte)'.';

        private readonly InboundXmlException Malformed() => MalformedAt(Math.Min(_at, _xml.Length));

        /// <summary>The position as line and column (1-based), which is what an operator can look up.</summary>
        private readonly InboundXmlException MalformedAt(int offset)
        {
            var before = _xml[..Math.Min(offset, _xml.Length)];
            var line = before.Count((byte)'\n') + 1;
            var column = offset - (before.LastIndexOf((byte)'\n') + 1) + 1;
            return new InboundXmlException($"malformed XML at line {line}, position {column}");
        }

        private static string Printable(string value) =>
            new([.. value.Take(32).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '?')]);
    }
}
