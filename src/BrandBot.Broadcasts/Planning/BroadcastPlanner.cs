using BrandBot.Broadcasts.Content;
using BrandBot.Broadcasts.Files;
using BrandBot.Broadcasts.Sending;
using BrandBot.Broadcasts.Store;

namespace BrandBot.Broadcasts.Planning;

/// <summary>
/// Plans a broadcast without writing anything (docs/broadcasts.md#verbs): the audience's size, the batches
/// and their clientmsgids, the uploads by content hash, the quota it uses — refusing a second send today on
/// a subscription account and telling what a service account's 4-a-month rule will drop.
/// </summary>
public sealed class BroadcastPlanner(IBroadcastStore store, ContentPreparer content, AudienceResolver audiences, BroadcastOptions options, TimeProvider time)
{
    public async Task<BroadcastPlan> PlanAsync(BroadcastApi api, BroadcastAccount account, BroadcastFile file, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var warnings = new List<string>();
        var refusals = new List<string>();
        var now = time.GetUtcNow();
        var hash = ContentHash.Of(file.Content);
        if (await store.GetAsync(account.Name, file.Id, cancellationToken) is { } existing)
        {
            if (existing.DefinitionHash != ContentHash.OfDefinition(file))
            {
                refusals.Add($"broadcast '{file.Id}' exists with other content or audience; an id is never reused: give this one a new id");
            }
            else
            {
                lines.Add($"broadcast '{file.Id}' is already {existing.State}; send would only print its state");
            }

            return new BroadcastPlan(lines, warnings, refusals, 0, existing.Recipients, [.. existing.Batches.Select(b => b.ClientMsgId)]);
        }

        var changes = 0;
        var keys = new List<string>();
        int? size = null;
        var due = file.At is { } at && at > now ? at : now;
        lines.Add($"broadcast '{file.Id}' on {account.Kind.ToString().ToLowerInvariant()} account '{account.Name}', {(file.At is { } when && when > now ? $"scheduled for {when:yyyy-MM-dd HH:mm zzz}" : "sent now")}");
        if (account.Kind == AccountKind.Subscription)
        {
            var day = Exclusions.QuotaDay(due, options.QuotaOffset);
            var other = (await store.ListAsync(account.Name, cancellationToken)).FirstOrDefault(r =>
                (r.SentAt is { } s && Exclusions.QuotaDay(s, options.QuotaOffset) == day) || (r.State == BroadcastStates.Scheduled && Exclusions.QuotaDay(r.DueAt, options.QuotaOffset) == day));
            if (other is not null)
            {
                refusals.Add($"a subscription account broadcasts once a day; '{other.Id}' takes {day:yyyy-MM-dd}'s send ({other.State})");
            }

            if (file.Audience.Kind == AudienceKind.OpenIds)
            {
                refusals.Add("a subscription account cannot send to a list of OpenIDs (WeChat allows it to verified service accounts only); send to a tag");
            }

            lines.Add($"  quota: the one mass send of {day:yyyy-MM-dd} (Beijing day)");
        }

        if (file.Audience.Kind == AudienceKind.OpenIds)
        {
            var named = file.Audience.OpenIds!;
            var sent = await store.DeliveriesAsync(account.Name, named, due, cancellationToken);
            var left = named.Count(o => !Exclusions.IsExcluded(sent.GetValueOrDefault(o) ?? [], due, account.Kind, file.PerFollowerPer30Days, options.QuotaOffset));
            size = left;
            lines.Add($"  audience: {named.Count} OpenIDs{(left < named.Count ? $", {named.Count - left} left out (caps or 4 this month, from BrandBot's ledger)" : "")}");
            if (left < 2)
            {
                refusals.Add($"{left} followers are left after the caps; WeChat sends to at least two");
            }

            foreach (var (batch, i) in Exclusions.Batches(left).Select((b, i) => (b, i)))
            {
                keys.Add(ClientMsgId.For(file.Id, i + 1, hash));
                lines.Add($"  + mass/send batch {i + 1}: {batch.Length} followers, clientmsgid {keys[^1]}");
                changes++;
            }
        }
        else
        {
            string? tag = null;
            if (file.Audience.Kind != AudienceKind.All)
            {
                var (name, problem) = await audiences.TagNameAsync(account.Name, file.Audience, cancellationToken);
                if (problem is not null)
                {
                    refusals.Add(problem);
                }

                tag = name;
            }

            if (tag is not null)
            {
                if (await AudienceResolver.TagAsync(api, tag, cancellationToken) is { } found)
                {
                    size = (int)found.Count;
                    lines.Add($"  audience: tag '{tag}' (id {found.Id}), {found.Count} followers now");
                }
                else
                {
                    refusals.Add($"WeChat has no tag '{tag}' (account apply creates the tags the rules file declares)");
                }
            }
            else if (file.Audience.Kind == AudienceKind.All)
            {
                var (total, _) = await AudienceResolver.FollowersAsync(api, false, cancellationToken);
                size = (int)total;
                lines.Add($"  audience: all {total} followers");
            }

            keys.Add(ClientMsgId.For(file.Id, 1, hash));
            lines.Add($"  + mass/sendall: clientmsgid {keys[^1]}");
            changes++;
            if (file.PerFollowerPer30Days is not null)
            {
                warnings.Add("caps.perFollowerPer30Days cannot be enforced on a tag or everyone: WeChat picks the recipients (use an OpenID list)");
            }

            if (account.Kind == AccountKind.Service)
            {
                warnings.Add("WeChat drops followers who already had 4 mass messages this month; they show in the job's counts (Total − Filter)");
            }
        }

        foreach (var upload in await content.UploadsAsync(account.Name, file.Content, cancellationToken))
        {
            lines.Add($"  {(upload.Known ? "=" : "+")} upload {upload}");
            changes += upload.Known ? 0 : 1;
        }

        if (file.Content is ArticlesContent articles)
        {
            lines.Add($"  + draft/add: {articles.Articles.Count} articles (the send consumes the draft)");
            changes++;
        }

        if (file.At is { } scheduled && scheduled > now)
        {
            lines.Add($"  + schedule for {scheduled:yyyy-MM-dd HH:mm zzz}: one BrandBot instance sends it when due");
        }

        return new BroadcastPlan(lines, warnings, refusals, changes, size, keys);
    }
}
