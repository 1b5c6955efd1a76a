using System.Text.Json;
using BrandBot.Broadcasts.Files;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Store;
using BrandBot.WeChatApi;

namespace BrandBot.Broadcasts.Planning;

/// <summary>
/// Who a broadcast reaches, as far as BrandBot can tell: a scene means the tag the live rules give its
/// followers; a tag's members and the whole follower list are read from WeChat (user/tag/get, user/get)
/// at send time, so each unfollow afterwards can be attributed (docs/broadcasts.md#results-and-the-unfollow-cost).
/// </summary>
public sealed class AudienceResolver(IRuleStore rules)
{
    /// <summary>The tag a tag or scene audience sends to; null with a reason when there is none.</summary>
    public async Task<(string? Tag, string? Problem)> TagNameAsync(string account, Audience audience, CancellationToken cancellationToken)
    {
        if (audience.Kind == AudienceKind.Tag)
        {
            return (audience.Tag, null);
        }

        var live = await rules.GetCurrentAsync(account, cancellationToken);
        var definition = live is null ? null : RulesFile.Parse(live.Yaml).Definition;
        if (definition?.Follow?.Channels.GetValueOrDefault(audience.Scene!) is { Tag: { } tag })
        {
            return (tag, null);
        }

        return (null, $"scene '{audience.Scene}' gives its followers no tag in the live rules (follow.scenes.{audience.Scene}.tag): WeChat can only send to a tag");
    }

    /// <summary>The tag's id and WeChat's count of its members, or null when WeChat has no such tag.</summary>
    public static async Task<(int Id, long Count)?> TagAsync(BroadcastApi api, string name, CancellationToken cancellationToken)
    {
        var answer = await api.CallOkAsync("cgi-bin/tags/get", null, cancellationToken);
        if (answer.Root.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
        {
            foreach (var tag in tags.EnumerateArray())
            {
                if (tag.TryGetProperty("name", out var n) && n.GetString() == name && tag.TryGetProperty("id", out var id))
                {
                    return (id.GetInt32(), tag.TryGetProperty("count", out var c) && c.TryGetInt64(out var count) ? count : 0);
                }
            }
        }

        return null;
    }

    /// <summary>Every member of a tag (user/tag/get, 10,000 a page).</summary>
    public static async Task<List<string>> MembersAsync(BroadcastApi api, int tagId, CancellationToken cancellationToken)
    {
        var members = new List<string>();
        var next = "";
        while (true)
        {
            var body = new RawJsonWriter().BeginObject().Number("tagid", tagId).String("next_openid", next).EndObject().ToUtf8();
            var answer = await api.CallOkAsync("cgi-bin/user/tag/get", body, cancellationToken, WeChatApiClient.MaxFollowerListAnswerBytes);
            var page = OpenIds(answer.Root);
            members.AddRange(page);
            next = answer.String("next_openid") ?? "";
            if (page.Count == 0 || next.Length == 0)
            {
                return members;
            }
        }
    }

    /// <summary>The account's follower count and, when <paramref name="all"/>, every follower (user/get, 10,000 a page).</summary>
    public static async Task<(long Total, List<string> Followers)> FollowersAsync(BroadcastApi api, bool all, CancellationToken cancellationToken)
    {
        var followers = new List<string>();
        var next = "";
        long total = 0;
        while (true)
        {
            var answer = await api.CallOkAsync("cgi-bin/user/get?next_openid=" + Uri.EscapeDataString(next), null, cancellationToken, WeChatApiClient.MaxFollowerListAnswerBytes);
            total = answer.Root.TryGetProperty("total", out var t) && t.TryGetInt64(out var n) ? n : total;
            var page = OpenIds(answer.Root);
            followers.AddRange(page);
            next = answer.String("next_openid") ?? "";
            if (!all || page.Count == 0 || next.Length == 0)
            {
                return (total, followers);
            }
        }
    }

    private static List<string> OpenIds(JsonElement root) =>
        root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("openid", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(e => e.GetString() ?? "").Where(s => s.Length > 0)]
            : [];
}
