using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace BrandBot.Rules.Loading;

/// <summary>A YAML node with only what the rules loader needs: its shape, its value and its line.</summary>
internal abstract class YamlNode(int line)
{
    public int Line { get; } = line;
}

internal sealed class YamlScalarNode(int line, string value, bool isPlain) : YamlNode(line)
{
    public string Value { get; } = value;

    /// <summary>Unquoted: only then do <c>~</c>, <c>null</c> and an empty value mean "nothing".</summary>
    public bool IsPlain { get; } = isPlain;
}

internal sealed class YamlMappingNode(int line) : YamlNode(line)
{
    public List<KeyValuePair<YamlNode, YamlNode>> Children { get; } = [];
}

internal sealed class YamlSequenceNode(int line) : YamlNode(line)
{
    public List<YamlNode> Children { get; } = [];
}

/// <summary>
/// Builds the tree straight from YamlDotNet's event stream. A 100,000-rule file has about a million
/// nodes; YamlDotNet's own node model keeps several objects per node (marks, tags, anchors) and made
/// loading such a file peak at half a gigabyte — these nodes keep a line and a value.
/// </summary>
internal static class YamlTree
{
    /// <summary>The root node of each document.</summary>
    /// <exception cref="YamlException">Syntax errors, unknown aliases and duplicate keys, with their position.</exception>
    public static List<YamlNode> Parse(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var documents = new List<YamlNode>();
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                documents.Add(ReadNode(parser, anchors));
                parser.Consume<DocumentEnd>();
            }

            parser.Consume<StreamEnd>();
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's parser reports some malformed input (found by fuzzing the loader) this way
            // rather than as a YamlException: it is still the file's fault, so say where.
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(at, at, "malformed YAML: " + ex.Message);
        }

        return documents;
    }

    private static YamlNode ReadNode(IParser parser, Dictionary<string, YamlNode> anchors)
    {
        var line = (int)parser.Current!.Start.Line;
        switch (parser.Current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                return anchors.TryGetValue(alias.Value.Value, out var target)
                    ? target
                    : throw new YamlException(alias.Start, alias.End, $"alias *{alias.Value.Value} names no anchor");
            case Scalar scalar:
                parser.MoveNext();
                return Anchor(anchors, scalar.Anchor, new YamlScalarNode(line, scalar.Value, scalar.Style == ScalarStyle.Plain));
            case SequenceStart start:
                parser.MoveNext();
                var sequence = Anchor(anchors, start.Anchor, new YamlSequenceNode(line));
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    sequence.Children.Add(ReadNode(parser, anchors));
                }

                return sequence;
            case MappingStart start:
                parser.MoveNext();
                var mapping = Anchor(anchors, start.Anchor, new YamlMappingNode(line));
                var keys = new HashSet<string>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyEvent = parser.Current!;
                    var key = ReadNode(parser, anchors);
                    if (key is YamlScalarNode { Value: var name } && !keys.Add(name))
                    {
                        throw new YamlException(keyEvent.Start, keyEvent.End, $"duplicate key '{name}'");
                    }

                    mapping.Children.Add(new(key, ReadNode(parser, anchors)));
                }

                return mapping;
            default:
                throw new YamlException(parser.Current.Start, parser.Current.End, $"unexpected {parser.Current.GetType().Name}");
        }
    }

    private static T Anchor<T>(Dictionary<string, YamlNode> anchors, AnchorName anchor, T node)
        where T : YamlNode
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }

        return node;
    }
}
