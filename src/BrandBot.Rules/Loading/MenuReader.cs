using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>Reads <c>menu:</c> — buttons and conditional menus by tag — reporting shape mistakes with their lines.</summary>
internal static class MenuReader
{
    private static readonly string[] ActionKeys = ["key", "url", "miniprogram", "scan", "photo", "location", "article"];

    public static MenuDefinition? Read(YamlReader reader, YamlNode node)
    {
        if (reader.Mapping(node, "menu") is not { } mapping)
        {
            return null;
        }

        IReadOnlyList<ButtonDefinition> buttons = [];
        var byTag = new List<TagMenuDefinition>();
        foreach (var (key, value) in reader.Entries(mapping, "menu", "buttons", "byTag"))
        {
            if (key == "buttons")
            {
                buttons = ReadButtons(reader, value, "menu.buttons");
            }
            else if (reader.Mapping(value, "menu.byTag") is { } tags)
            {
                foreach (var (tagNode, tagMenu) in tags.Children)
                {
                    var tag = (tagNode as YamlScalarNode)?.Value ?? "";
                    if (reader.Mapping(tagMenu, $"menu.byTag.{tag}") is not { } tagMapping)
                    {
                        continue;
                    }

                    IReadOnlyList<ButtonDefinition> tagButtons = [];
                    foreach (var (_, buttonsNode) in reader.Entries(tagMapping, $"menu.byTag.{tag}", "buttons"))
                    {
                        tagButtons = ReadButtons(reader, buttonsNode, $"menu.byTag.{tag}.buttons");
                    }

                    byTag.Add(new TagMenuDefinition(tag, tagButtons, YamlReader.LineOf(tagNode)));
                }
            }
        }

        return new MenuDefinition(buttons, byTag, YamlReader.LineOf(mapping));
    }

    private static List<ButtonDefinition> ReadButtons(YamlReader reader, YamlNode node, string where) =>
        [.. reader.Sequence(node, where).Select(item => ReadButton(reader, item)).OfType<ButtonDefinition>()];

    private static ButtonDefinition? ReadButton(YamlReader reader, YamlNode node)
    {
        if (reader.Mapping(node, "a button") is not { } mapping)
        {
            return null;
        }

        var line = YamlReader.LineOf(mapping);
        var name = "";
        List<ButtonDefinition> sub = [];
        var actions = new List<(string Key, ButtonAction? Action)>();
        foreach (var (key, value) in reader.Entries(mapping, "a button", ["name", "sub", .. ActionKeys]))
        {
            switch (key)
            {
                case "name":
                    name = reader.Scalar(value, "a button name") ?? "";
                    break;
                case "sub":
                    sub = ReadButtons(reader, value, "sub");
                    break;
                default:
                    actions.Add((key, ReadAction(reader, key, value)));
                    break;
            }
        }

        var label = name.Length == 0 ? "a button" : $"button '{name}'";
        if (name.Length == 0)
        {
            reader.Error(line, "a button has no name");
        }

        if (actions.Count > 1)
        {
            reader.Error(line, $"{label} has more than one action ({string.Join(", ", actions.Select(a => a.Key))}); give it one");
        }

        if (mapping.Children.Any(c => (c.Key as YamlScalarNode)?.Value == "sub"))
        {
            if (actions.Count > 0)
            {
                reader.Error(line, $"{label} has sub buttons and its own action ({actions[0].Key}); WeChat ignores a parent's action, so remove it");
            }

            return new ButtonDefinition(name, null, sub, line);
        }

        if (actions.Count == 0)
        {
            reader.Error(line, $"{label} needs one of: {string.Join(", ", ActionKeys)}, sub");
        }

        return new ButtonDefinition(name, actions.FirstOrDefault().Action, [], line);
    }

    private static ButtonAction? ReadAction(YamlReader reader, string key, YamlNode value)
    {
        var line = YamlReader.LineOf(value);
        switch (key)
        {
            case "key":
                return reader.Scalar(value, "a button key") is { } click ? new ButtonAction(ButtonKind.Click, line) { Key = click } : null;
            case "url":
                return reader.Scalar(value, "a button url") is { } url ? new ButtonAction(ButtonKind.View, line) { Url = url } : null;
            case "article":
                return reader.Scalar(value, "an article id") is { } article ? new ButtonAction(ButtonKind.Article, line) { ArticleId = article } : null;
        }

        if (reader.Mapping(value, key) is not { } mapping)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] known = key switch
        {
            "miniprogram" => ["appid", "pagepath", "url"],
            "scan" => ["key", "wait"],
            "photo" => ["key", "from"],
            _ => ["key"],
        };
        foreach (var (field, fieldValue) in reader.Entries(mapping, key, known))
        {
            if (reader.Scalar(fieldValue, $"{key}.{field}") is { } text)
            {
                fields[field] = text;
            }
        }

        string? Field(string name) => fields.GetValueOrDefault(name);
        switch (key)
        {
            case "miniprogram":
                foreach (var needed in known.Where(f => string.IsNullOrEmpty(Field(f))))
                {
                    reader.Error(line, $"miniprogram needs {needed} ({(needed == "url" ? "the link older clients open" : "WeChat refuses the button without it")})");
                }

                return new ButtonAction(ButtonKind.MiniProgram, line) { AppId = Field("appid"), PagePath = Field("pagepath"), Url = Field("url") };
            case "scan":
                var wait = Field("wait") ?? "false";
                if (wait is not ("true" or "false"))
                {
                    reader.Error(line, $"scan.wait '{wait}' is not true or false");
                }

                return new ButtonAction(wait == "true" ? ButtonKind.ScanWait : ButtonKind.ScanPush, line) { Key = Field("key") };
            case "photo":
                ButtonKind? kind = (Field("from") ?? "any") switch
                {
                    "camera" => ButtonKind.PhotoCamera,
                    "album" => ButtonKind.PhotoAlbum,
                    "any" => ButtonKind.PhotoAny,
                    _ => null,
                };
                if (kind is null)
                {
                    reader.Error(line, $"photo.from '{Field("from")}' is not one of: camera, album, any");
                }

                return new ButtonAction(kind ?? ButtonKind.PhotoAny, line) { Key = Field("key") };
            default:
                return new ButtonAction(ButtonKind.Location, line) { Key = Field("key") };
        }
    }
}
