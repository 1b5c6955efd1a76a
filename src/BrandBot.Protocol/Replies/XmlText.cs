using System.Text;

namespace BrandBot.Protocol.Replies;

/// <summary>Text rules for reply XML (docs/protocol.md §4.8).</summary>
public static class XmlText
{
    /// <summary>
    /// Removes what XML 1.0 forbids even inside CDATA: C0 controls other than TAB/LF/CR,
    /// U+FFFE/U+FFFF and unpaired surrogates. LLM and backend output sometimes contains them.
    /// Line ends become LF: XML parsers turn CR LF into LF anyway, and old clients showed CR LF as two
    /// line breaks (docs/peers.md §3.9, WeiXinMPSDK#156).
    /// </summary>
    public static string Sanitize(string value)
    {
        var firstBad = FirstForbidden(value);
        if (firstBad < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        builder.Append(value, 0, firstBad);
        for (var i = firstBad; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (c == '\r')
            {
                if (i + 1 >= value.Length || value[i + 1] != '\n')
                {
                    builder.Append('\n');
                }
            }
            else if (IsAllowed(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Appends <c>&lt;![CDATA[value]]&gt;</c>, splitting any <c>]]&gt;</c> so it cannot end the section early (P8).</summary>
    public static void AppendCdata(StringBuilder builder, string value)
    {
        builder.Append("<![CDATA[");
        builder.Append(Sanitize(value).Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal));
        builder.Append("]]>");
    }

    /// <summary>Cuts <paramref name="value"/> to at most <paramref name="maxBytes"/> UTF-8 bytes without splitting a character.</summary>
    public static string TruncateUtf8(string value, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(value) <= maxBytes)
        {
            return value;
        }

        var bytes = 0;
        var i = 0;
        while (i < value.Length)
        {
            var width = char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(value.AsSpan(i, width));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            i += width;
        }

        return value[..i];
    }

    private static int FirstForbidden(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (!IsAllowed(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsAllowed(char c) =>
        c switch
        {
            '\t' or '\n' => true,
            < ' ' => false,
            '\uFFFE' or '\uFFFF' => false,
            _ => !char.IsSurrogate(c),
        };
}
