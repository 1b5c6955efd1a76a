using System.Xml;
using BrandBot.Protocol.Xml;


namespace BrandBot.Protocol.Tests;

/// <summary>
/// The oracle for <see cref="PushXmlReader"/>: BrandBot's first reader, built on System.Xml's
/// XmlReader with DTDs prohibited. The hand-written reader must reach the same verdict and the same
/// values on every document (PushXmlReaderDifferentialTests).
/// </summary>
internal static class ReferenceXmlReader
{
    public const int MaxDepth = 8;
    public const int MaxLeaves = 512;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        MaxCharactersFromEntities = 1024,
        CloseInput = true,
    };

    /// <exception cref="InboundXmlException">The body is not well-formed, uses a DTD, or exceeds the caps.</exception>
    public static List<KeyValuePair<string, string>> Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            return ReadCore(body);
        }
        catch (XmlException ex)
        {
            var reason = ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "DTD is prohibited"
                : $"malformed XML at line {ex.LineNumber}, position {ex.LinePosition}";
            throw new InboundXmlException(reason, ex);
        }
    }

    private static List<KeyValuePair<string, string>> ReadCore(ReadOnlyMemory<byte> body)
    {
        var fields = new List<KeyValuePair<string, string>>();
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        using var reader = XmlReader.Create(stream, Settings);

        if (reader.MoveToContent() != XmlNodeType.Element)
        {
            throw new InboundXmlException("no root element");
        }

        if (reader.IsEmptyElement)
        {
            // (The first reader returned here without reading on, so it accepted anything after an
            // empty root; the oracle reads to the end, as the reader it judges does.)
            while (reader.Read())
            {
            }

            return fields;
        }

        var path = new List<string>(MaxDepth);
        var text = (string?)null;
        reader.Read();
        while (!reader.EOF)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (path.Count >= MaxDepth)
                    {
                        throw new InboundXmlException($"elements nested deeper than {MaxDepth}");
                    }

                    if (reader.IsEmptyElement)
                    {
                        AddLeaf(fields, path, reader.LocalName, "");
                    }
                    else
                    {
                        path.Add(reader.LocalName);
                        text = null;
                    }

                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                    text = text is null ? reader.Value : text + reader.Value;
                    break;
                case XmlNodeType.EndElement:
                    if (path.Count == 0)
                    {
                        // The root closed; anything after it is rejected by the reader itself.
                        reader.Read();
                        continue;
                    }

                    var name = path[^1];
                    path.RemoveAt(path.Count - 1);
                    if (text is not null)
                    {
                        AddLeaf(fields, path, name, text);
                    }

                    text = null;
                    break;
            }

            reader.Read();
        }

        return fields;
    }

    private static void AddLeaf(List<KeyValuePair<string, string>> fields, List<string> parents, string name, string value)
    {
        if (fields.Count >= MaxLeaves)
        {
            throw new InboundXmlException($"more than {MaxLeaves} elements");
        }

        var key = parents.Count == 0 ? name : string.Join('/', parents) + "/" + name;
        // docs/protocol.md §10: node-webot and the other SDKs trim surrounding whitespace of values.
        fields.Add(new(key, value.Trim()));
    }
}
