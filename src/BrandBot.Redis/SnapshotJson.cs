using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BrandBot.Redis;

/// <summary>
/// The stored snapshot's JSON (the same shape <see cref="RedisJsonContext"/> writes), written and read by
/// hand for one reason: System.Text.Json escapes a string through a pooled buffer of six times its
/// length, and the pool keeps it. A 100,000-rule file (8.4 MB of YAML) left a 128 MB char[] and three
/// 16 MB byte[] behind for the life of the process. Here the YAML goes through buffers of its own size, freed after.
/// </summary>
internal static class SnapshotJson
{
    public static byte[] Write(StoredSnapshot snapshot)
    {
        var json = new StringBuilder(snapshot.Yaml.Length + (snapshot.Yaml.Length / 16) + 256);
        json.Append("{\"yaml\":");
        Quote(json, snapshot.Yaml);
        json.Append(",\"hash\":");
        Quote(json, snapshot.Hash);
        json.Append(",\"at\":\"").Append(snapshot.At.ToString("O", CultureInfo.InvariantCulture)).Append('"');
        if (snapshot.By is { } by)
        {
            json.Append(",\"by\":");
            Quote(json, by);
        }

        if (snapshot.Message is { } message)
        {
            json.Append(",\"message\":");
            Quote(json, message);
        }

        return Encoding.UTF8.GetBytes(json.Append('}').ToString());
    }

    /// <exception cref="JsonException">Not a stored snapshot.</exception>
    public static StoredSnapshot Read(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        string? yaml = null, hash = null, by = null, message = null;
        DateTimeOffset at = default;
        reader.Read();
        Expect(reader.TokenType == JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "yaml":
                    Expect(reader.TokenType == JsonTokenType.String && !reader.HasValueSequence);
                    yaml = Unescape(reader.ValueSpan);
                    break;
                case "hash":
                    hash = reader.GetString();
                    break;
                case "at":
                    at = reader.GetDateTimeOffset();
                    break;
                case "by":
                    by = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    break;
                case "message":
                    message = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        Expect(yaml is not null && hash is not null);
        return new StoredSnapshot(yaml!, hash!, at, by, message);
    }

    private static void Quote(StringBuilder json, string value)
    {
        json.Append('"');
        var run = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is not ('"' or '\\') && c >= ' ')
            {
                continue;
            }

            json.Append(value, run, i - run);
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
            run = i + 1;
        }

        json.Append(value, run, value.Length - run).Append('"');
    }

    /// <summary>A JSON string's raw UTF-8 (between the quotes, reader-validated) to its text.</summary>
    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        var chars = new char[Encoding.UTF8.GetMaxCharCount(raw.Length)];
        var written = 0;
        while (!raw.IsEmpty)
        {
            var slash = raw.IndexOf((byte)'\\');
            var plain = slash < 0 ? raw : raw[..slash];
            written += Encoding.UTF8.GetChars(plain, chars.AsSpan(written));
            if (slash < 0)
            {
                break;
            }

            var escape = raw[slash + 1];
            var consumed = 2;
            chars[written++] = escape switch
            {
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'u' => (char)int.Parse(Encoding.ASCII.GetString(raw.Slice(slash + 2, 4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
                _ => (char)escape,
            };
            if (escape == (byte)'u')
            {
                consumed = 6;
            }

            raw = raw[(slash + consumed)..];
        }

        return new string(chars, 0, written);
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("not a stored rules snapshot");
        }
    }
}
