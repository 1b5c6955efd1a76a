using System.Text;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>
/// Checks the account part of a rules file — menu, QR channels, tags — against WeChat's documented
/// limits (docs/wechat-account-apis.md §1.5, §2.2, §3.2), so <c>account apply</c> is refused here rather than by the API.
/// </summary>
public static class AccountValidator
{
    public const int MaxTopButtons = 3;
    public const int MaxSubButtons = 5;
    public const int MaxTopNameBytes = 16;
    public const int MaxSubNameBytes = 60;
    public const int MaxKeyBytes = 128;
    public const int MaxUrlBytes = 1024;
    public const int MaxSceneLength = 64;
    public const int MaxTagBytes = 30;
    public const int MaxTags = 100;
    public const int MaxTagsPerFollower = 20;
    public const int MaxConditionalDomains = 3;

    public static IEnumerable<RuleProblem> Validate(RuleSetDefinition rules, bool hasAppSecret)
    {
        var problems = new List<RuleProblem>();
        void Error(int line, string message) => problems.Add(new(line, ProblemSeverity.Error, message));
        void Warn(int line, string message) => problems.Add(new(line, ProblemSeverity.Warning, message));

        var answered = rules.Rules.SelectMany(r => r.MenuKeys).ToHashSet(StringComparer.Ordinal);
        var clickKeys = new HashSet<string>(StringComparer.Ordinal);
        if (rules.Menu is { } menu)
        {
            CheckMenu("menu", menu.Buttons, menu.Line, answered, clickKeys, Error, Warn);
            var declared = DeclaredByScenesAndRules(rules);
            foreach (var byTag in menu.ByTag)
            {
                CheckMenu($"menu.byTag.{byTag.Tag}", byTag.Buttons, byTag.Line, answered, clickKeys, Error, Warn);
                if (!declared.Contains(byTag.Tag))
                {
                    Warn(byTag.Line, $"menu.byTag names tag '{byTag.Tag}', which no scene or rule gives: only followers tagged elsewhere see this menu");
                }
            }

            var domains = menu.ByTag.SelectMany(m => Leaves(m.Buttons)).Select(b => b.Action?.Url).OfType<string>()
                .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri.Host : u).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (domains.Count > MaxConditionalDomains)
            {
                Error(menu.ByTag[0].Line, $"the conditional menus link to {domains.Count} domains ({string.Join(", ", domains)}); WeChat allows at most {MaxConditionalDomains} across them");
            }

            foreach (var rule in rules.Rules)
            {
                foreach (var key in rule.MenuKeys.Where(k => k.Length > 0 && !clickKeys.Contains(k)))
                {
                    Warn(rule.Line, $"rule '{rule.Name}': menu key '{key}' is on no button of the menu, so it never fires");
                }
            }
        }

        foreach (var (scene, group) in rules.Follow?.Scenes ?? new Dictionary<string, ReplyGroupDefinition>())
        {
            CheckScene(scene, group.Line, Error);
        }

        foreach (var channel in rules.Follow?.Channels.Values ?? [])
        {
            if (!(rules.Follow?.Scenes.ContainsKey(channel.Scene) ?? false))
            {
                CheckScene(channel.Scene, channel.Line, Error);
            }

            if (channel.Qr is { Expires: { } expires } qr && (expires > QrDefinition.MaxExpiry || expires < TimeSpan.FromMinutes(1)))
            {
                Error(qr.Line, $"scene '{channel.Scene}': a temporary code lives from 1 minute to 30 days (got {expires.TotalDays:0.##} days)");
            }
        }

        CheckTags(rules, hasAppSecret, Error, Warn);
        return problems;
    }

    private static void CheckScene(string scene, int line, Action<int, string> error)
    {
        if (scene.Length > MaxSceneLength)
        {
            error(line, $"scene '{scene[..20]}…' is {scene.Length} characters; a QR code's scene holds at most {MaxSceneLength}");
        }
    }

    private static void CheckTags(RuleSetDefinition rules, bool hasAppSecret, Action<int, string> error, Action<int, string> warn)
    {
        var tags = rules.DeclaredTags();
        foreach (var (tag, line) in tags)
        {
            if (tag.Trim().Length == 0)
            {
                error(line, "a tag name is empty");
            }
            else if (tag.Any(char.IsControl))
            {
                error(line, $"tag '{tag.Trim()}' holds a line break or control character");
            }
            else if (Encoding.UTF8.GetByteCount(tag) > MaxTagBytes)
            {
                error(line, $"tag '{tag}' is {Encoding.UTF8.GetByteCount(tag)} UTF-8 bytes; WeChat allows at most {MaxTagBytes} (10 Chinese characters)");
            }
        }

        if (tags.Count > MaxTags)
        {
            error(tags.Values.Max(), $"the file names {tags.Count} tags; an account holds at most {MaxTags}");
        }

        var given = DeclaredByScenesAndRules(rules);
        if (given.Count > MaxTagsPerFollower)
        {
            warn(tags.Where(t => given.Contains(t.Key)).Max(t => t.Value),
                $"scenes and rules give {given.Count} different tags: a follower who collects more than {MaxTagsPerFollower} is refused the rest (45059)");
        }

        if (given.Count > 0 && !hasAppSecret)
        {
            warn(tags.Where(t => given.Contains(t.Key)).Min(t => t.Value), "the account has no AppSecret, so followers cannot be tagged");
        }
    }

    private static HashSet<string> DeclaredByScenesAndRules(RuleSetDefinition rules) =>
        [.. (rules.Follow?.Channels.Values.Select(c => c.Tag) ?? []).Concat(rules.Rules.Select(r => r.Tag)).OfType<string>()];

    private static void CheckMenu(
        string where, IReadOnlyList<ButtonDefinition> buttons, int line, HashSet<string> answered, HashSet<string> clickKeys,
        Action<int, string> error, Action<int, string> warn)
    {
        if (buttons.Count is 0 or > MaxTopButtons)
        {
            error(line, $"{where} has {buttons.Count} buttons; WeChat takes 1 to {MaxTopButtons}");
        }

        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var button in buttons)
        {
            CheckName(button, MaxTopNameBytes, "a top-level", error);
            if (button.IsParent)
            {
                if (button.Sub.Count > MaxSubButtons)
                {
                    error(button.Line, $"button '{button.Name}' has {button.Sub.Count} sub buttons; WeChat takes 1 to {MaxSubButtons}");
                }

                foreach (var sub in button.Sub)
                {
                    CheckName(sub, MaxSubNameBytes, "a sub", error);
                    if (sub.IsParent)
                    {
                        error(sub.Line, $"button '{sub.Name}': menus have two levels; a sub button cannot have sub buttons");
                    }

                    CheckAction(sub, keys, answered, clickKeys, error, warn);
                }
            }
            else
            {
                // A button with neither action nor sub buttons was reported by the loader.
                CheckAction(button, keys, answered, clickKeys, error, warn);
            }
        }
    }

    private static void CheckName(ButtonDefinition button, int maxBytes, string level, Action<int, string> error)
    {
        var bytes = Encoding.UTF8.GetByteCount(button.Name);
        if (bytes > maxBytes)
        {
            error(button.Line, $"button '{button.Name}' is {bytes} UTF-8 bytes; {level} button name holds at most {maxBytes} (Chinese characters take 3)");
        }
    }

    private static void CheckAction(
        ButtonDefinition button, Dictionary<string, int> keys, HashSet<string> answered, HashSet<string> clickKeys,
        Action<int, string> error, Action<int, string> warn)
    {
        if (button.Action is not { } action)
        {
            return;
        }

        var line = action.Line;
        var needsKey = action.Kind is not (ButtonKind.View or ButtonKind.MiniProgram or ButtonKind.Article);
        if (needsKey)
        {
            var key = action.Key ?? "";
            if (key.Length == 0)
            {
                error(line, $"button '{button.Name}' needs a key (the event's EventKey)");
            }
            else if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
            {
                error(line, $"button '{button.Name}': key is {Encoding.UTF8.GetByteCount(key)} UTF-8 bytes; WeChat allows at most {MaxKeyBytes}");
            }
            else if (!keys.TryAdd(key, line))
            {
                error(line, $"button '{button.Name}': key '{key}' is already used by the button on line {keys[key]}");
            }

            if (action.Kind == ButtonKind.Click && key.Length > 0)
            {
                clickKeys.Add(key);
                if (!answered.Contains(key))
                {
                    warn(line, $"button '{button.Name}': no rule has menuKeys '{key}', so a tap is answered with nothing (success)");
                }
            }
        }

        if (action.Kind is ButtonKind.View or ButtonKind.MiniProgram)
        {
            var url = action.Url ?? "";
            if (url.Length == 0)
            {
                error(line, $"button '{button.Name}' needs a url");
            }
            else if (Encoding.UTF8.GetByteCount(url) > MaxUrlBytes)
            {
                error(line, $"button '{button.Name}': url is {Encoding.UTF8.GetByteCount(url)} UTF-8 bytes; WeChat allows at most {MaxUrlBytes}");
            }
            else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                error(line, $"button '{button.Name}': url '{url}' is not an http(s) link");
            }
            else if (uri.Scheme != "https")
            {
                warn(line, $"button '{button.Name}': url '{url}' is not an https link");
            }
        }

        if (action.Kind == ButtonKind.Article && string.IsNullOrWhiteSpace(action.ArticleId))
        {
            error(line, $"button '{button.Name}' needs an article id");
        }
    }

    private static IEnumerable<ButtonDefinition> Leaves(IEnumerable<ButtonDefinition> buttons) =>
        buttons.SelectMany(b => b.IsParent ? b.Sub : [b]);
}
