using System.Globalization;
using BrandBot.Rules.Model;
using YamlDotNet.Core;

namespace BrandBot.Rules.Loading;

/// <summary>
/// Reads the rules YAML into a <see cref="RuleSetDefinition"/>. Structure problems (unknown keys,
/// wrong shapes, bad values) are collected with their lines; nothing throws on bad input.
/// </summary>
public static class RulesYamlLoader
{
    public static (RuleSetDefinition? Definition, List<RuleProblem> Problems) Load(string yaml)
    {
        var problems = new List<RuleProblem>();
        var reader = new YamlReader(problems);
        var rules = new List<RuleDefinition>();
        var media = MediaSection.Read(yaml, reader);
        reader.Media = media.GroupBy(m => (m.Kind, m.File)).ToDictionary(g => g.Key, g => g.Last());
        YamlRoot root;
        try
        {
            // Rules are built as the parser reaches them: the file's syntax tree is never whole in memory.
            root = YamlTree.ReadRoot(yaml, "rules", node =>
            {
                if (ReadRule(reader, node, rules.Count) is { } rule)
                {
                    rules.Add(rule);
                }
            });
        }
        catch (YamlException ex)
        {
            // A file that does not parse is reported by its syntax error alone.
            problems.Clear();
            problems.Add(new((int)ex.Start.Line, ProblemSeverity.Error, "YAML syntax: " + (ex.InnerException?.Message ?? ex.Message)));
            return (null, problems);
        }

        if (root.Empty)
        {
            return (new RuleSetDefinition(null, null, []), problems);
        }

        if (root.ExtraDocumentLine is { } extra)
        {
            problems.Add(new(extra, ProblemSeverity.Error, "a rules file holds one YAML document"));
        }

        IEnumerable<KeyValuePair<YamlNode, YamlNode?>> entries = root.Entries;
        if (root.Whole is { } whole)
        {
            if (reader.Mapping(whole, "the rules file") is not { } mapping)
            {
                return (new RuleSetDefinition(null, null, []), problems);
            }

            entries = mapping.Children.Select(e => new KeyValuePair<YamlNode, YamlNode?>(e.Key, e.Value));
        }

        FollowDefinition? follow = null;
        ReplyGroupDefinition? fallback = null;
        MenuDefinition? menu = null;
        Dictionary<string, FlowDefinition> flows = [];
        var flowDefaults = FlowDefaults.Builtin;
        foreach (var (keyNode, value) in entries)
        {
            switch (reader.KnownKey(keyNode, "the rules file", "follow", "default", "rules", "menu", "flows", "flowDefaults", MediaSection.Key))
            {
                case "flows":
                    flows = FlowReader.ReadFlows(reader, value!);
                    break;
                case "flowDefaults":
                    flowDefaults = FlowReader.ReadDefaults(reader, value!);
                    break;
                case "menu":
                    menu = MenuReader.Read(reader, value!);
                    break;
                case "follow":
                    follow = ReadFollow(reader, value!);
                    break;
                case "default":
                    fallback = ReadGroup(reader, value!, "default");
                    break;
                case "rules" when value is not null:
                    // Not a list (or an anchored one): read whole, as the loader always did.
                    foreach (var node in reader.Sequence(value, "rules"))
                    {
                        if (ReadRule(reader, node, rules.Count) is { } rule)
                        {
                            rules.Add(rule);
                        }
                    }

                    break;
            }
        }

        return (new RuleSetDefinition(follow, fallback, rules) { Menu = menu, Flows = flows, FlowDefaults = flowDefaults, MediaFiles = reader.MediaFiles, Media = media }, problems);
    }

    private static FollowDefinition? ReadFollow(YamlReader reader, YamlNode node)
    {
        if (reader.Mapping(node, "follow") is not { } mapping)
        {
            return null;
        }

        var scenes = new Dictionary<string, ReplyGroupDefinition>(StringComparer.Ordinal);
        var channels = new Dictionary<string, ChannelDefinition>(StringComparer.Ordinal);
        var sceneFlows = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        foreach (var (key, value) in reader.Entries(mapping, "follow", "replies", "mode", "fallback", "scenes"))
        {
            if (key != "scenes" || reader.Mapping(value, "follow.scenes") is not { } sceneMap)
            {
                continue;
            }

            foreach (var (sceneKey, sceneValue) in sceneMap.Children)
            {
                var scene = (sceneKey as YamlScalarNode)?.Value ?? "";
                if (scene.Length == 0)
                {
                    reader.Error(sceneKey, "a QR scene name must not be empty");
                    continue;
                }

                var (group, channel, flow) = ReadScene(reader, scene, sceneValue);
                if (flow is { } started)
                {
                    sceneFlows[scene] = started;
                }

                if (group is not null)
                {
                    scenes[scene] = group;
                }

                if (channel is not null)
                {
                    channels[scene] = channel;
                }
            }
        }

        var hasReplies = mapping.Children.Any(c => (c.Key as YamlScalarNode)?.Value == "replies");
        return new FollowDefinition(hasReplies ? ReadRepliesAndMode(reader, mapping, "follow") : null, scenes) { Channels = channels, SceneFlows = sceneFlows };
    }

    /// <summary>
    /// A scene's replies (optional when it has a QR code or a tag: its follows then get the ordinary
    /// follow reply) and its channel: the code to mint and the tag to give.
    /// </summary>
    private static (ReplyGroupDefinition? Group, ChannelDefinition? Channel, (string, int)? Flow) ReadScene(YamlReader reader, string scene, YamlNode node)
    {
        var where = $"scene '{scene}'";
        if (reader.Mapping(node, where) is not { } mapping)
        {
            return (null, null, null);
        }

        (string, int)? flow = null;

        QrDefinition? qr = null;
        string? tag = null;
        var tagLine = YamlReader.LineOf(mapping);
        var hasReplies = false;
        foreach (var (key, value) in reader.Entries(mapping, where, "replies", "mode", "fallback", "qr", "tag", "flow"))
        {
            switch (key)
            {
                case "flow":
                    flow = reader.Scalar(value, "flow") is { } name ? (name, YamlReader.LineOf(value)) : null;
                    break;
                case "qr":
                    qr = ChannelReader.ReadQr(reader, value, where);
                    break;
                case "tag":
                    tag = reader.Scalar(value, "a tag");
                    tagLine = YamlReader.LineOf(value);
                    break;
                case "replies":
                    hasReplies = true;
                    break;
            }
        }

        var channel = qr is null && tag is null ? null : new ChannelDefinition(scene, qr, tag, YamlReader.LineOf(mapping)) { TagLine = tagLine };
        if (hasReplies && flow is not null)
        {
            reader.Error(YamlReader.LineOf(mapping), $"{where} has both replies and a flow; a flow answers with its own prompts");
        }

        var group = hasReplies || (channel is null && flow is null) ? ReadRepliesAndMode(reader, mapping, where) : null;
        return (group, channel, flow);
    }

    private static ReplyGroupDefinition? ReadGroup(YamlReader reader, YamlNode node, string where)
    {
        if (reader.Mapping(node, where) is not { } mapping)
        {
            return null;
        }

        reader.CheckKeys(mapping, where, "replies", "mode", "fallback");

        return ReadRepliesAndMode(reader, mapping, where);
    }

    /// <summary>Reads <c>replies</c>, <c>mode</c> and <c>fallback</c>; callers have already reported unknown keys.</summary>
    private static ReplyGroupDefinition ReadRepliesAndMode(YamlReader reader, YamlMappingNode mapping, string where)
    {
        var mode = ReplyMode.ReplyAll;
        List<RuleReply> replies = [];
        List<RuleReply> fallback = [];
        foreach (var (keyNode, value) in mapping.Children)
        {
            switch ((keyNode as YamlScalarNode)?.Value)
            {
                case "mode":
                    mode = ReadMode(reader, value) ?? mode;
                    break;
                case "replies":
                    replies = ReadReplies(reader, value, $"{where}.replies");
                    break;
                case "fallback":
                    fallback = ReadReplies(reader, value, $"{where}.fallback");
                    break;
            }
        }

        return new ReplyGroupDefinition(mode, replies, YamlReader.LineOf(mapping)) { Fallback = fallback };
    }

    private static List<RuleReply> ReadReplies(YamlReader reader, YamlNode node, string where) =>
        [.. reader.Sequence(node, where).Select(item => ReplyReader.Read(reader, item)).OfType<RuleReply>()];

    private static ReplyMode? ReadMode(YamlReader reader, YamlNode node) => reader.Scalar(node, "mode") switch
    {
        null => null,
        "reply_all" => ReplyMode.ReplyAll,
        "random_one" => ReplyMode.RandomOne,
        var other => Fail(reader, node, $"mode '{other}' is not one of: reply_all, random_one"),
    };

    private static ReplyMode? Fail(YamlReader reader, YamlNode node, string message)
    {
        reader.Error(node, message);
        return null;
    }

    private static RuleDefinition? ReadRule(YamlReader reader, YamlNode node, int index)
    {
        if (reader.Mapping(node, "a rule") is not { } mapping)
        {
            return null;
        }

        var line = YamlReader.LineOf(mapping);
        var name = "";
        var priority = 0;
        var keywords = new List<KeywordDefinition>();
        var menuKeys = new List<string>();
        string? tag = null;
        var tagLine = line;
        string? flow = null;
        var escape = false;
        foreach (var (key, value) in reader.Entries(mapping, "a rule", "name", "priority", "keywords", "menuKeys", "mode", "replies", "fallback", "tag", "flow", "escape"))
        {
            switch (key)
            {
                case "flow":
                    flow = reader.Scalar(value, "flow");
                    break;
                case "escape":
                    var flag = reader.Scalar(value, "escape");
                    escape = flag == "true";
                    if (flag is not ("true" or "false"))
                    {
                        reader.Error(value, $"escape '{flag}' is not true or false");
                    }

                    break;
                case "tag":
                    tag = reader.Scalar(value, "a tag");
                    tagLine = YamlReader.LineOf(value);
                    break;
                case "name":
                    name = reader.Scalar(value, "name") ?? "";
                    break;
                case "priority":
                    var text = reader.Scalar(value, "priority");
                    if (text is not null && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))
                    {
                        reader.Error(value, $"priority '{text}' is not a whole number");
                    }

                    break;
                case "keywords":
                    keywords.AddRange(reader.Sequence(value, "keywords").Select(k => ReadKeyword(reader, k)).OfType<KeywordDefinition>());
                    break;
                case "menuKeys":
                    menuKeys.AddRange(reader.Sequence(value, "menuKeys").Select(k => reader.Scalar(k, "a menu key")).OfType<string>());
                    break;
            }
        }

        if (name.Length == 0)
        {
            reader.Error(line, $"rule #{index + 1} has no name");
            name = $"#{index + 1}";
        }

        if (flow is not null && mapping.Children.Any(c => (c.Key as YamlScalarNode)?.Value == "replies"))
        {
            reader.Error(line, $"rule '{name}' has both replies and a flow; a flow answers with its own prompts");
        }

        return new RuleDefinition(name, priority, keywords, menuKeys, ReadRepliesAndMode(reader, mapping, $"rule '{name}'"), line) { Tag = tag, TagLine = tagLine, Flow = flow, Escape = escape };
    }

    private static KeywordDefinition? ReadKeyword(YamlReader reader, YamlNode node)
    {
        if (node is not YamlMappingNode { Children.Count: 1 } mapping)
        {
            reader.Error(node, "a keyword is one of: equal: \"…\", contain: \"…\", regex: \"…\"");
            return null;
        }

        var (keyNode, valueNode) = mapping.Children.Single();
        KeywordKind? kind = (keyNode as YamlScalarNode)?.Value switch
        {
            "equal" => KeywordKind.Equal,
            "contain" => KeywordKind.Contain,
            "regex" => KeywordKind.Regex,
            _ => null,
        };
        if (kind is null)
        {
            reader.Error(keyNode, $"unknown keyword kind '{(keyNode as YamlScalarNode)?.Value}' (expected equal, contain or regex)");
            return null;
        }

        var value = reader.Scalar(valueNode, "a keyword");
        return value is null ? null : new KeywordDefinition(kind.Value, value, YamlReader.LineOf(valueNode));
    }
}
