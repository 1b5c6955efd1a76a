using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Account.Tagging;

/// <summary>What tagging reports to metrics: outcomes are fixed words, counts are followers; never an OpenID.</summary>
public interface ITaggingObserver
{
    /// <summary><c>tagged</c>, <c>retried</c>, <c>invalid_openid</c>, <c>too_many_tags</c>, <c>account_tag_limit</c>, <c>gave_up</c>.</summary>
    void Tagging(string account, string outcome, int followers);
}

/// <summary>
/// Sends one account's waiting tag requests to WeChat (tags/members/batchtagging, docs/wechat-account-apis.md §3):
/// grouped by tag, at most 50 followers a call; a missing tag is created by name. Transient answers
/// (−1, 45159 — also seen on valid fresh tags, §3.4 item 2 — 45009, the network) are retried with
/// back-off. A batch refused for one follower (40003/49003: not a follower; 45059: 20 tags already)
/// fails whole (§3.4 item 3), so it is split in halves until the refused followers stand alone and are
/// dropped; the rest are tagged.
/// </summary>
public sealed class Tagger(ITagQueue queue, ITaggingObserver observer, TimeProvider time)
{
    public const int BatchSize = 50;

    /// <summary>How long a claimed request is this instance's before another may take it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, Dictionary<string, int>> _tagIds = new(StringComparer.Ordinal);

    /// <summary>Claims what is due and sends it; returns how many requests were handled.</summary>
    public async Task<int> RunOnceAsync(AccountApi api, CancellationToken cancellationToken)
    {
        var claimed = await queue.ClaimAsync(api.Account, BatchSize * 4, time.GetUtcNow(), Lease, cancellationToken);
        foreach (var group in claimed.GroupBy(r => r.Tag, StringComparer.Ordinal))
        {
            var requests = group.ToList();
            int tagId;
            try
            {
                tagId = await TagIdAsync(api, group.Key, cancellationToken);
            }
            catch (WeChatApiException ex) when (ex.Code == 45056)
            {
                await DropAsync(api.Account, requests, "account_tag_limit", cancellationToken);
                continue;
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                await RetryAsync(api.Account, requests, cancellationToken);
                continue;
            }

            foreach (var chunk in requests.Chunk(BatchSize))
            {
                await SendAsync(api, tagId, chunk, cancellationToken);
            }
        }

        return claimed.Count;
    }

    private async Task SendAsync(AccountApi api, int tagId, IReadOnlyList<TagRequest> requests, CancellationToken cancellationToken)
    {
        try
        {
            await api.BatchTagAsync(tagId, [.. requests.Select(r => r.OpenId)], cancellationToken);
            await queue.CompleteAsync(api.Account, requests, cancellationToken);
            observer.Tagging(api.Account, "tagged", requests.Count);
        }
        catch (WeChatApiException ex) when (ex.Code is 40003 or 49003 or 45059)
        {
            if (requests.Count == 1)
            {
                await DropAsync(api.Account, requests, ex.Code == 45059 ? "too_many_tags" : "invalid_openid", cancellationToken);
                return;
            }

            var half = requests.Count / 2;
            await SendAsync(api, tagId, [.. requests.Take(half)], cancellationToken);
            await SendAsync(api, tagId, [.. requests.Skip(half)], cancellationToken);
        }
        catch (WeChatApiException ex) when (ex.Code == 45159)
        {
            // Maybe the tag is gone (deleted in the console), maybe WeChat's cache: look it up afresh next time.
            _tagIds.Remove(api.Account);
            await RetryAsync(api.Account, requests, cancellationToken);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            await RetryAsync(api.Account, requests, cancellationToken);
        }
    }

    private async Task<int> TagIdAsync(AccountApi api, string tag, CancellationToken cancellationToken)
    {
        if (_tagIds.TryGetValue(api.Account, out var known) && known.TryGetValue(tag, out var id))
        {
            return id;
        }

        known = await api.GetTagsAsync(cancellationToken);
        _tagIds[api.Account] = known;
        if (known.TryGetValue(tag, out id))
        {
            return id;
        }

        try
        {
            // Added to the rules since the last apply: created by name.
            return known[tag] = await api.CreateTagAsync(tag, cancellationToken);
        }
        catch (WeChatApiException ex) when (ex.Code == 45157)
        {
            // Another instance created it meanwhile.
            known = await api.GetTagsAsync(cancellationToken);
            _tagIds[api.Account] = known;
            if (known.TryGetValue(tag, out id))
            {
                return id;
            }

            throw;
        }
    }

    private async Task RetryAsync(string account, IReadOnlyList<TagRequest> requests, CancellationToken cancellationToken)
    {
        var attempts = await queue.RetryAsync(account, requests, time.GetUtcNow(), cancellationToken);
        var exhausted = requests.Where((_, i) => attempts[i] >= TagBackoff.MaxAttempts).ToList();
        observer.Tagging(account, "retried", requests.Count - exhausted.Count);
        if (exhausted.Count > 0)
        {
            await DropAsync(account, exhausted, "gave_up", cancellationToken);
        }
    }

    private async Task DropAsync(string account, IReadOnlyList<TagRequest> requests, string outcome, CancellationToken cancellationToken)
    {
        await queue.DropAsync(account, requests, cancellationToken);
        observer.Tagging(account, outcome, requests.Count);
    }

    private static bool IsTransient(Exception ex) =>
        ex is WeChatApiException { Code: -1 or 45009 or 45159 } or HttpRequestException or TaskCanceledException or TokenUnavailableException;
}
