using System.Text;
using BrandBot.Broadcasts.Content;
using BrandBot.Broadcasts.Files;
using BrandBot.Broadcasts.Store;
using BrandBot.Delivery.Pipeline;
using BrandBot.WeChatApi;

namespace BrandBot.Broadcasts.Sending;

/// <summary>What happened to a send request, for the verb's output and exit code.</summary>
public sealed record SendResult(BroadcastRecord? Record, string Message, bool Refused);

/// <summary>
/// The operator's acts on a broadcast — send, cancel, preview — shared by the CLI and the dashboard
/// (docs/broadcasts.md#verbs). Sending is idempotent: the same file again prints the broadcast's state.
/// </summary>
public sealed class BroadcastDesk(IBroadcastStore store, ContentPreparer content, BroadcastScheduler scheduler, BroadcastOptions options, TimeProvider time)
{
    public async Task<SendResult> SendAsync(BroadcastApi api, BroadcastAccount account, BroadcastFile file, string by, string owner, TextWriter progress, CancellationToken cancellationToken)
    {
        var definition = ContentHash.OfDefinition(file);
        if (await store.GetAsync(account.Name, file.Id, cancellationToken) is { } existing)
        {
            if (existing.DefinitionHash != definition)
            {
                return new(existing, $"broadcast '{file.Id}' was {existing.State} with other content or audience; an id is never reused: give this file a new id", true);
            }

            if (existing.State is BroadcastStates.Failed or BroadcastStates.Missed or BroadcastStates.Sending)
            {
                // A re-run picks up where it stopped, with the same keys; WeChat answers 45065 for any that went through.
                var resumed = await scheduler.RunAsync(account, file.Id, owner, cancellationToken, Resume);
                return resumed is null ? new(existing, "another sender is working on it right now", false) : new(resumed, "resumed", false);
            }

            return new(existing, "already " + existing.State + "; nothing sent again", false);
        }

        var now = time.GetUtcNow();
        if (account.Kind == AccountKind.Subscription && file.Audience.Kind == AudienceKind.OpenIds)
        {
            return new(null, "a subscription account cannot send to a list of OpenIDs; send to a tag", true);
        }

        var prepared = await content.PrepareAsync(api, file.Id, file.Content, progress, cancellationToken);
        var record = new BroadcastRecord
        {
            Id = file.Id,
            Account = account.Name,
            DefinitionHash = definition,
            ContentHash = prepared.ContentHash,
            MsgType = prepared.MsgType,
            ContentJson = prepared.ContentJson,
            Summary = prepared.Summary,
            AudienceKind = file.Audience.Kind.ToString(),
            AudienceName = file.Audience.Tag ?? file.Audience.Scene,
            PerFollowerPer30Days = file.PerFollowerPer30Days,
            SendIgnoreReprint = file.SendIgnoreReprint,
            AccountKind = account.Kind.ToString().ToLowerInvariant(),
            CreatedAt = now,
            By = by,
            DueAt = file.At is { } at && at > now ? at : now,
            Recipients = file.Audience.OpenIds?.Count,
        };
        if (file.Audience.Kind == AudienceKind.Scene)
        {
            var (tag, problem) = await new Planning.AudienceResolver(scheduler.Rules).TagNameAsync(account.Name, file.Audience, cancellationToken);
            if (tag is null)
            {
                return new(null, problem!, true);
            }

            record.AudienceKind = nameof(AudienceKind.Tag);
            record.AudienceName = tag;
        }

        if (!await store.CreateAsync(record, file.Audience.OpenIds, cancellationToken))
        {
            return new(await store.GetAsync(account.Name, file.Id, cancellationToken), "already there (another send created it a moment ago)", false);
        }

        if (record.DueAt > now)
        {
            return new(record, $"scheduled for {record.DueAt:yyyy-MM-dd HH:mm zzz}; one running BrandBot instance sends it when due", false);
        }

        var after = await scheduler.RunAsync(account, file.Id, owner, cancellationToken);
        return new(after ?? record, after is null ? "a BrandBot instance took it first and is sending it" : "sent", false);
    }

    /// <summary>Cancels a broadcast not yet submitted to WeChat.</summary>
    public async Task<SendResult> CancelAsync(BroadcastAccount account, string id, string by, string owner, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(account.Name, id, cancellationToken) is not { } record)
        {
            return new(null, $"no broadcast '{id}' on account '{account.Name}'", true);
        }

        if (record.State is BroadcastStates.Cancelled)
        {
            return new(record, "already cancelled", false);
        }

        if (record.State is not (BroadcastStates.Scheduled or BroadcastStates.Missed) || record.Batches.Any(b => b.Attempts > 0))
        {
            return new(record, $"'{id}' is {record.State}: it reached WeChat, and a mass message cannot be called back from phones", true);
        }

        if (await store.AcquireAsync(account.Name, id, owner, options.Lease, cancellationToken) is not { } lease)
        {
            return new(record, $"'{id}' is being sent right now", true);
        }

        try
        {
            record = (await store.GetAsync(account.Name, id, cancellationToken))!;
            if (record.State is not (BroadcastStates.Scheduled or BroadcastStates.Missed))
            {
                return new(record, $"'{id}' is {record.State} now; not cancelled", true);
            }

            record.State = BroadcastStates.Cancelled;
            record.CancelledAt = time.GetUtcNow();
            record.CancelledBy = by;
            await store.SaveAsync(record, lease, cancellationToken);
            return new(record, "cancelled", false);
        }
        finally
        {
            await store.ReleaseAsync(lease, CancellationToken.None);
        }
    }

    /// <summary>
    /// Sends the content to testers only (mass/preview, one person a call), each recipient and content once:
    /// a re-run skips those who had this exact content.
    /// </summary>
    public async Task<IReadOnlyList<string>> PreviewAsync(BroadcastApi api, BroadcastFile file, IReadOnlyList<string> openIds, string? wxName, TextWriter progress, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var hash = ContentHash.Of(file.Content);
        var recipients = wxName is not null ? [("wx:" + wxName, (string?)null, wxName)] : openIds.Select(o => ("o:" + o, (string?)o, (string?)null)).ToList();
        PreparedContent? prepared = null;
        foreach (var (who, openId, name) in recipients)
        {
            var key = ContentHash.Hex(Encoding.UTF8.GetBytes($"{file.Id}\n{hash}\n{who}"));
            var shown = name ?? OpenIdMask.Mask(openId!);
            if (!await store.ClaimPreviewAsync(api.Account, key, cancellationToken))
            {
                lines.Add($"{shown}: already previewed this content; not sent again");
                continue;
            }

            try
            {
                prepared ??= await content.PrepareAsync(api, file.Id, file.Content, progress, cancellationToken);
                var answer = await api.CallAsync("cgi-bin/message/mass/preview", MassMessages.Preview(openId, name, prepared.MsgType, prepared.ContentJson), options.SubmitTimeout, cancellationToken);
                if (answer.Code != 0)
                {
                    await store.ReleasePreviewAsync(api.Account, key, CancellationToken.None);
                    lines.Add($"{shown}: WeChat refused, {answer.Code} ({answer.Message})");
                    continue;
                }

                lines.Add($"{shown}: preview sent");
            }
            catch
            {
                await store.ReleasePreviewAsync(api.Account, key, CancellationToken.None);
                throw;
            }
        }

        return lines;
    }

    private static void Resume(BroadcastRecord record)
    {
        if (record.State is BroadcastStates.Failed or BroadcastStates.Missed)
        {
            record.State = record.Resolved ? BroadcastStates.Sending : BroadcastStates.Scheduled;
            record.DueAt = record.State == BroadcastStates.Scheduled ? DateTimeOffset.MinValue : record.DueAt;
            record.Note = null;
            foreach (var batch in record.Batches.Where(b => b.State == BatchStates.Failed))
            {
                batch.State = BatchStates.Planned;
            }
        }
    }
}
