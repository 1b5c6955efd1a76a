using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BrandBot.Redis;

/// <summary>
/// The stored snapshot's JSON (the same shape <see cref="RedisJsonContext"/> writes), written and read by
/// hand for one reason: System.Text.Json escapes a string through a pooled buffer of six times its
/// length, and the pool keeps it. A 100,000-rule file (8.4 MB of YAML) left a 128 MB char[] and three
/// 16 MB byte[] behind for the life of the process. Here the YAML is encoded once, straight into the
/// array that goes to Redis (a text copy of the JSON on the way made start-up's peak ~50 MB higher).
/// </summary>
internal static class SnapshotJson
{
    public static byte[] Write(StoredSnapshot snapshot)
    {
        // Two passes over the same parts: the first measures, the second writes into one array of exactly that size.
        var length = Parts(snapshot, null);
        var json = new byte[length];
        Parts(snapshot, json);
        return json;
    }

    /// <summary>Writes the JSON into <paramref name="target"/> (or only measures it, when null) and returns its length in bytes.</summary>
    private static int Parts(StoredSnapshot snapshot, byte[]? target)
    {
        var at = 0;
        Raw("{\"yaml\":", target, ref at);
        Quote(snapshot.Yaml, target, ref at);
        Raw(",\"hash\":", target, ref at);
        Quote(snapshot.Hash, target, ref at);
        Raw(",\"at\":\"" + snapshot.At.ToString("O", CultureInfo.InvariantCulture) + "\"", target, ref at);
        if (snapshot.By is { } by)
        {
            Raw(",\"by\":", target, ref at);
            Quote(by, target, ref at);
        }

        if (snapshot.Message is { } message)
        {
            Raw(",\"message\":", target, ref at);
            Quote(message, target, ref at);
        }

        Raw("}", target, ref at);
        return at;
    }

    /// <summary>A JSON string: runs of plain text encoded straight to UTF-8, the characters JSON must escape escaped.</summary>
    private static void Quote(string value, byte[]? target, ref int at)
    {
        Raw("\"", target, ref at);
        var run = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is not ('"' or '\\') && c >= ' ')
            {
                continue;
            }

            // An escaped character is never half of a surrogate pair, so a run never splits one.
            Raw(value.AsSpan(run, i - run), target, ref at);
            Raw(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            }, target, ref at);
            run = i + 1;
        }

        Raw(value.AsSpan(run), target, ref at);
        Raw("\"", target, ref at);
    }

    private static void Raw(ReadOnlySpan<char> text, byte[]? target, ref int at) =>
        at += target is null ? Encoding.UTF8.GetByteCount(text) : Encoding.UTF8.GetBytes(text, target.AsSpan(at));

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
