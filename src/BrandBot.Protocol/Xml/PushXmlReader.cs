using System.Xml;

namespace BrandBot.Protocol.Xml;

/// <summary>
/// Reads a push body into <see cref="PushFields"/>. protocol.md §9 P5 and §10: DTDs are prohibited
/// and there is no resolver, so neither XXE nor entity expansion can happen; size, depth and
/// element count are capped so a hostile body costs little.
/// </summary>
public static class PushXmlReader
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
    public static PushFields Read(ReadOnlyMemory<byte> body)
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

    private static PushFields ReadCore(ReadOnlyMemory<byte> body)
    {
        var fields = new PushFields();
        using var stream = new ReadOnlyMemoryStream(body);
        using var reader = XmlReader.Create(stream, Settings);

        if (reader.MoveToContent() != XmlNodeType.Element)
        {
            throw new InboundXmlException("no root element");
        }

        if (reader.IsEmptyElement)
        {
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

    private static void AddLeaf(PushFields fields, List<string> parents, string name, string value)
    {
        if (fields.Count >= MaxLeaves)
        {
            throw new InboundXmlException($"more than {MaxLeaves} elements");
        }

        var key = parents.Count == 0 ? name : string.Join('/', parents) + "/" + name;
        // protocol.md §10: node-webot and the other SDKs trim surrounding whitespace of values.
        fields.Add(key, value.Trim());
    }
}
