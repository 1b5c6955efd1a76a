using System.Globalization;
using System.Text;

namespace BrandBot.WeChatApi;

/// <summary>
/// Writes the small JSON bodies BrandBot sends, with every non-ASCII character as raw UTF-8
/// (docs/protocol.md §8.3: <c>\u</c> escapes have garbled Chinese for other SDKs' users; System.Text.Json
/// escapes emoji even with its relaxed encoder). Only what JSON requires is escaped.
/// </summary>
public sealed class RawJsonWriter
{
    private readonly StringBuilder _text = new(256);
    private bool _needComma;

    public RawJsonWriter BeginObject(string? name = null)
    {
        Name(name);
        _text.Append('{');
        _needComma = false;
        return this;
    }

    public RawJsonWriter EndObject()
    {
        _text.Append('}');
        _needComma = true;
        return this;
    }

    public RawJsonWriter BeginArray(string name)
    {
        Name(name);
        _text.Append('[');
        _needComma = false;
        return this;
    }

    public RawJsonWriter EndArray()
    {
        _text.Append(']');
        _needComma = true;
        return this;
    }

    /// <summary>Writes a string property (an array item when <paramref name="name"/> is null); a null value is left out.</summary>
    public RawJsonWriter String(string? name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        Name(name);
        Quoted(value);
        _needComma = true;
        return this;
    }

    public RawJsonWriter Bool(string name, bool value)
    {
        Name(name);
        _text.Append(value ? "true" : "false");
        _needComma = true;
        return this;
    }

    public RawJsonWriter Number(string? name, long value)
    {
        Name(name);
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        _needComma = true;
        return this;
    }

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());

    private void Name(string? name)
    {
        if (_needComma)
        {
            _text.Append(',');
        }

        if (name is not null)
        {
            Quoted(name);
            _text.Append(':');
        }
    }

    private void Quoted(string value)
    {
        _text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    _text.Append("\\\"");
                    break;
                case '\\':
                    _text.Append("\\\\");
                    break;
                case '\n':
                    _text.Append("\\n");
                    break;
                case '\r':
                    _text.Append("\\r");
                    break;
                case '\t':
                    _text.Append("\\t");
                    break;
                case < ' ':
                    _text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    _text.Append(c);
                    break;
            }
        }

        _text.Append('"');
    }
}
