using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace BrandBot.Rules.Loading;

/// <summary>A YAML node with only what the rules and broadcast files need: its shape, its value and its line.</summary>
public abstract class YamlNode(int line)
{
    public int Line { get; } = line;
}

public sealed class YamlScalarNode(int line, string value, bool isPlain) : YamlNode(line)
{
    public string Value { get; } = value;

    /// <summary>Unquoted: only then do <c>~</c>, <c>null</c> and an empty value mean "nothing".</summary>
    public bool IsPlain { get; } = isPlain;
}

public sealed class YamlMappingNode(int line) : YamlNode(line)
{
    public List<KeyValuePair<YamlNode, YamlNode>> Children { get; } = [];
}

public sealed class YamlSequenceNode(int line) : YamlNode(line)
{
    public List<YamlNode> Children { get; } = [];
}

/// <summary>
/// Builds the tree straight from YamlDotNet's event stream. A 100,000-rule file has about a million
/// nodes; YamlDotNet's own node model keeps several objects per node (marks, tags, anchors) and made
/// loading such a file peak at half a gigabyte — these nodes keep a line and a value.
/// </summary>
public static class YamlTree
{
    /// <summary>
    /// Reads a rules file without holding all of it: the root mapping's <paramref name="streamedKey"/>
    /// sequence (100,000 rules: most of the file) is handed to <paramref name="onItem"/> one item at a
    /// time, so each item's nodes become garbage as soon as it is read; every other entry comes whole.
    /// A root that is not a plain mapping, or any root when nothing is streamed (a small file such as a
    /// broadcast's), comes back whole in <see cref="YamlRoot.Whole"/>.
    /// </summary>
    /// <exception cref="YamlException">Syntax errors, unknown aliases and duplicate keys, with their position.</exception>
    public static YamlRoot ReadRoot(string yaml, string? streamedKey = null, Action<YamlNode>? onItem = null)
    {
        var parser = new Parser(new StringReader(yaml));
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                parser.Consume<StreamEnd>();
                return new YamlRoot(true, null, [], null);
            }

            YamlNode? whole = null;
            var entries = new List<KeyValuePair<YamlNode, YamlNode?>>();
            if (onItem is not null && parser.Current is MappingStart { Anchor.IsEmpty: true })
            {
                parser.MoveNext();
                ReadEntries(parser, anchors, (key, value) => entries.Add(new(key, value)), streamedKey, onItem);
            }
            else
            {
                whole = ReadNode(parser, anchors);
            }

            parser.Consume<DocumentEnd>();
            int? extraDocumentLine = null;
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var extra = ReadNode(parser, anchors);
                extraDocumentLine ??= extra.Line;
                parser.Consume<DocumentEnd>();
            }

            parser.Consume<StreamEnd>();
            return new YamlRoot(false, whole, entries, extraDocumentLine);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet reports some malformed input this way rather than as a YamlException: a
            // tag like "!![" is refused by the tag's constructor ("Global tags must be valid URIs").
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(at, at, "malformed YAML: " + ex.Message);
        }
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
                ReadEntries(parser, anchors, (key, value) => mapping.Children.Add(new(key, value!)));
                return mapping;
            default:
                throw new YamlException(parser.Current.Start, parser.Current.End, $"unexpected {parser.Current.GetType().Name}");
        }
    }

    /// <summary>
    /// A mapping's entries up to its end (its start already consumed), refusing duplicate keys. When
    /// <paramref name="streamedKey"/>'s value is a plain sequence, its items go to <paramref name="onItem"/>
    /// one at a time and the entry comes with a null value.
    /// </summary>
    private static void ReadEntries(
        IParser parser, Dictionary<string, YamlNode> anchors, Action<YamlNode, YamlNode?> add, string? streamedKey = null, Action<YamlNode>? onItem = null)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyEvent = parser.Current!;
            var key = ReadNode(parser, anchors);
            var name = (key as YamlScalarNode)?.Value;
            if (name is not null && !keys.Add(name))
            {
                throw new YamlException(keyEvent.Start, keyEvent.End, $"duplicate key '{name}'");
            }

            if (onItem is not null && name == streamedKey && parser.Current is SequenceStart { Anchor.IsEmpty: true })
            {
                parser.MoveNext();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    onItem(ReadNode(parser, anchors));
                }

                add(key, null);
            }
            else
            {
                add(key, ReadNode(parser, anchors));
            }
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

/// <summary>
/// A file's first document as <see cref="YamlTree.ReadRoot"/> read it: <see cref="Empty"/> without
/// any document; <see cref="Whole"/> when the root is not a plain mapping or nothing was streamed; otherwise its entries in order
/// (the streamed key with a null value); the line of a second document, if there is one.
/// </summary>
public sealed record YamlRoot(bool Empty, YamlNode? Whole, List<KeyValuePair<YamlNode, YamlNode?>> Entries, int? ExtraDocumentLine);
