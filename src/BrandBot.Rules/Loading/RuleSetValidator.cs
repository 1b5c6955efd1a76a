using System.Text;
using BrandBot.Protocol.Replies;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>Checks what the YAML shape cannot: names, keywords, regexes, reply contents and limits.</summary>
public static class RuleSetValidator
{
    /// <summary>
    /// The answer a rule drafted from a follower's text starts with (the dashboard's "Make a rule"): a
    /// reminder for the operator, never something to publish to followers.
    /// </summary>
    public const string DraftPlaceholder = "TODO: write the answer";

    /// <param name="hasAppSecret">False when the account is known to have no AppSecret, so replies after the first of a reply_all group could never be sent.</param>
    public static List<RuleProblem> Validate(RuleSetDefinition rules, bool hasAppSecret = true)
    {
        var problems = new List<RuleProblem>();
        var files = new AwaitedFiles(rules.MediaFiles);
        void Error(int line, string message) => problems.Add(new(line, ProblemSeverity.Error, message));
        void Warn(int line, string message) => problems.Add(new(line, ProblemSeverity.Warning, message));

        // Sized once: grown to 100,000 rules they left ~14 MB of outgrown tables on the large-object
        // heap during a first publish, start-up's memory peak (docs/performance.md).
        var names = new Dictionary<string, int>(rules.Rules.Count, StringComparer.Ordinal);
        var keywordOwners = new Dictionary<(KeywordKind, string), string>(rules.Rules.Sum(r => r.Keywords.Count));
        var menuOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rule in rules.Rules)
        {
            if (!names.TryAdd(rule.Name, rule.Line))
            {
                Error(rule.Line, $"rule name '{rule.Name}' is already used by the rule on line {names[rule.Name]}");
            }

            if (rule.Keywords.Count == 0 && rule.MenuKeys.Count == 0)
            {
                Error(rule.Line, $"rule '{rule.Name}' has neither keywords nor menuKeys, so it can never fire");
            }

            foreach (var keyword in rule.Keywords)
            {
                CheckKeyword(rule, keyword, keywordOwners, Error, Warn);
            }

            foreach (var key in rule.MenuKeys)
            {
                if (key.Length == 0)
                {
                    Error(rule.Line, $"rule '{rule.Name}' has an empty menu key");
                }
                else if (!menuOwners.TryAdd(key, rule.Name))
                {
                    Warn(rule.Line, $"menu key '{key}' is also used by rule '{menuOwners[key]}'; the higher-priority (or earlier) rule answers");
                }
            }

            if (rule.Flow is null)
            {
                CheckGroup(rule.Replies, $"rule '{rule.Name}'", answersMessages: rule.Keywords.Count > 0, answersEvents: rule.MenuKeys.Count > 0, files, Error, Warn);
            }
        }

        foreach (var group in Groups(rules))
        {
            if (!hasAppSecret && group.Group.Mode == ReplyMode.ReplyAll && group.Group.Replies.Count > 1)
            {
                Warn(group.Group.Line, $"{group.Where}: reply_all with {group.Group.Replies.Count} replies, but the account has no AppSecret: only the first can be sent");
            }

            CheckBackend(group.Group, group.Where, rules.Default is not null, hasAppSecret, Error, Warn);
        }

        problems.AddRange(ShadowAnalysis.Find(rules.Rules));
        problems.AddRange(AccountValidator.Validate(rules, hasAppSecret));
        problems.AddRange(FlowValidator.Validate(rules, hasAppSecret));

        if (rules.Default is { } fallback)
        {
            CheckGroup(fallback, "default", answersMessages: true, answersEvents: false, files, Error, Warn);
        }

        if (rules.Follow?.Replies is { } follow)
        {
            CheckGroup(follow, "follow", answersMessages: false, answersEvents: true, files, Error, Warn);
        }

        foreach (var (scene, group) in rules.Follow?.Scenes ?? new Dictionary<string, ReplyGroupDefinition>())
        {
            CheckGroup(group, $"scene '{scene}'", answersMessages: false, answersEvents: true, files, Error, Warn);
        }

        return [.. problems.OrderBy(p => p.Line)];
    }

    private static IEnumerable<(string Where, ReplyGroupDefinition Group)> Groups(RuleSetDefinition rules)
    {
        foreach (var rule in rules.Rules)
        {
            yield return ($"rule '{rule.Name}'", rule.Replies);
        }

        if (rules.Default is { } fallback)
        {
            yield return ("default", fallback);
        }

        if (rules.Follow?.Replies is { } follow)
        {
            yield return ("follow", follow);
        }

        foreach (var (scene, group) in rules.Follow?.Scenes ?? new Dictionary<string, ReplyGroupDefinition>())
        {
            yield return ($"scene '{scene}'", group);
        }
    }

    private static void CheckKeyword(
        RuleDefinition rule, KeywordDefinition keyword, Dictionary<(KeywordKind, string), string> owners,
        Action<int, string> error, Action<int, string> warn)
    {
        if (keyword.Kind == KeywordKind.Regex)
        {
            if (keyword.Value.Length == 0)
            {
                error(keyword.Line, $"rule '{rule.Name}' has an empty regex");
            }
            else if (RegexFactory.Problem(keyword.Value) is { } problem)
            {
                error(keyword.Line, $"rule '{rule.Name}': regex \"{keyword.Value}\" is invalid: {problem}");
            }

            return;
        }

        var normalized = TextNormalizer.Normalize(keyword.Value);
        if (normalized.Length == 0)
        {
            error(keyword.Line, $"rule '{rule.Name}' has an empty {keyword.Kind.ToString().ToLowerInvariant()} keyword");
        }
        else if (owners.TryGetValue((keyword.Kind, normalized), out var owner) && owner != rule.Name)
        {
            warn(keyword.Line, $"keyword \"{keyword.Value}\" is also a keyword of rule '{owner}'; the higher-priority (or earlier) rule answers");
        }
        else
        {
            owners.TryAdd((keyword.Kind, normalized), rule.Name);
        }
    }

    private static void CheckGroup(
        ReplyGroupDefinition group, string where, bool answersMessages, bool answersEvents, AwaitedFiles files,
        Action<int, string> error, Action<int, string> warn)
    {
        if (group.Replies.Count == 0)
        {
            error(group.Line, $"{where} has no replies");
        }

        foreach (var reply in group.Replies.Concat(group.Fallback).OfType<StaticReply>())
        {
            CheckReply(reply, where, answersMessages, answersEvents, files, error, warn);
        }
    }

    private static void CheckBackend(
        ReplyGroupDefinition group, string where, bool hasDefault, bool hasAppSecret,
        Action<int, string> error, Action<int, string> warn)
    {
        foreach (var webhook in group.Fallback.OfType<WebhookReply>())
        {
            error(webhook.Line, $"{where}: a fallback must not call a backend itself (fallbacks are fixed replies)");
        }

        var webhooks = group.Replies.OfType<WebhookReply>().ToList();
        if (webhooks.Count == 0)
        {
            if (group.Fallback.Count > 0)
            {
                warn(group.Line, $"{where}: fallback is only used when a webhook reply fails; this group has no webhook reply");
            }

            return;
        }

        if (group.Fallback.Count == 0 && !hasDefault)
        {
            warn(webhooks[0].Line, $"{where}: no fallback and no default reply, so a failing backend leaves the follower without an answer");
        }

        if (!hasAppSecret)
        {
            warn(webhooks[0].Line, $"{where}: the account has no AppSecret, so a backend answer that misses the push budget cannot be delivered later");
        }
    }

    private static void CheckReply(
        StaticReply entry, string where, bool answersMessages, bool answersEvents, AwaitedFiles files,
        Action<int, string> error, Action<int, string> warn)
    {
        var line = entry.Line;
        switch (entry.Reply)
        {
            case TextReply text when text.Content.Trim().Length == 0:
                error(line, $"{where}: a text reply is empty");
                break;
            case TextReply text when text.Content.Contains(DraftPlaceholder, StringComparison.OrdinalIgnoreCase):
                error(line, $"{where}: the reply is still the draft's placeholder \"{DraftPlaceholder}\"; write the answer followers should get");
                break;
            case TextReply text when Encoding.UTF8.GetByteCount(text.Content) > ReplyLimits.MaxTextBytes:
                error(line, $"{where}: a text reply is {Encoding.UTF8.GetByteCount(text.Content)} UTF-8 bytes; WeChat drops replies over {ReplyLimits.MaxTextBytes}");
                break;
            case NewsReply news:
                CheckNews(news, where, line, answersMessages, error, warn);
                break;
            case ImageReply { MediaId: "" } or VoiceReply { MediaId: "" } or VideoReply { MediaId: "" }:
                if (!files.Take(line, entry.Reply.MsgType))
                {
                    error(line, $"{where}: a {entry.Reply.MsgType} reply needs a mediaId");
                }

                break;
            case MusicReply music:
                if (string.IsNullOrEmpty(music.ThumbMediaId) && !files.Take(line, "thumb"))
                {
                    warn(line, $"{where}: a music reply without thumbMediaId shows no cover");
                }

                CheckLink(music.MusicUrl, "musicUrl", where, line, warn);
                CheckLink(music.HqMusicUrl, "hqMusicUrl", where, line, warn);
                break;
            case TransferReply when answersEvents:
                warn(line, $"{where}: transfer to customer service only works for follower messages, not events");
                break;
        }
    }

    private static void CheckNews(NewsReply news, string where, int line, bool answersMessages, Action<int, string> error, Action<int, string> warn)
    {
        if (news.Articles.Count == 0)
        {
            error(line, $"{where}: a news reply has no articles");
        }
        else if (news.Articles.Count > ReplyLimits.MaxArticlesForEvent)
        {
            error(line, $"{where}: a news reply has {news.Articles.Count} articles; WeChat allows at most {ReplyLimits.MaxArticlesForEvent}");
        }
        else if (news.Articles.Count > 1)
        {
            // Since 2018-10-12 WeChat shows one article per passive news reply, to messages and events alike
            // (docs/peers.md §0); a reply to a message is cut to it here, an event's arrives whole and shows one.
            warn(line, answersMessages
                ? $"{where}: a news reply to a follower's message carries only its first article ({news.Articles.Count} given)"
                : $"{where}: a news reply shows only its first article in WeChat ({news.Articles.Count} given; one article per passive news reply since 2018-10-12)");
        }

        foreach (var article in news.Articles)
        {
            if (article.Title.Trim().Length == 0)
            {
                error(line, $"{where}: a news article has no title");
            }

            CheckLink(article.PicUrl, "picUrl", where, line, warn);
            CheckLink(article.Url, "url", where, line, warn);
        }
    }

    private static void CheckLink(string? url, string field, string where, int line, Action<int, string> warn)
    {
        if (!string.IsNullOrEmpty(url) && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            warn(line, $"{where}: {field} '{url}' is not an https link");
        }
    }

    /// <summary>
    /// Local files still waiting for their id, per reply line and kind: a reply naming one gets its id at
    /// publish, which refuses it until `account apply` uploaded it (docs/rules-file.md#local-files), so its
    /// empty id is not the rules' mistake. Counted, so a second reply on the same line that really lacks
    /// its id is still reported.
    /// </summary>
    private sealed class AwaitedFiles(IEnumerable<MediaFileReference> files)
    {
        private readonly Dictionary<(int Line, string Kind), int> _left = files.Where(f => f.Resolved is null)
            .GroupBy(f => (f.ReplyLine, f.Kind)).ToDictionary(g => g.Key, g => g.Count());

        public bool Take(int line, string kind)
        {
            if (_left.GetValueOrDefault((line, kind)) is var left and > 0)
            {
                _left[(line, kind)] = left - 1;
                return true;
            }

            return false;
        }
    }
}
