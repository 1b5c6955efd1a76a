using BrandBot.Account;
using BrandBot.Broadcasts.Planning;
using BrandBot.Broadcasts.Results;
using BrandBot.Broadcasts.Store;
using BrandBot.WeChatApi;

namespace BrandBot.Broadcasts.Sending;

/// <summary>
/// Moves one broadcast as far as it can go now, under its lease, never sleeping: resolves the audience,
/// submits each batch exactly once, asks mass/get when no result came (docs/broadcasts.md#exactly-once).
/// Each batch's state is written before its call; the call carries the derived clientmsgid, so a repeat
/// after a crash, a timeout or a second sender is answered 45065 by WeChat instead of sending again.
/// </summary>
public sealed class BroadcastRunner(IBroadcastStore store, BroadcastOptions options, TimeProvider time)
{
    public async Task RunAsync(BroadcastApi api, BroadcastAccount account, BroadcastRecord record, BroadcastLease lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (record.State == BroadcastStates.Scheduled)
        {
            if (record.DueAt > now)
            {
                return;
            }

            if (record.DueAt + options.MissedGrace < now && record.DueAt > record.CreatedAt + options.MissedGrace / 2)
            {
                // Nobody was running when it was due: a promotion hours late is worse than none.
                record.State = BroadcastStates.Missed;
                record.Note = $"it was due at {record.DueAt:yyyy-MM-dd HH:mm zzz} and no instance was running; run broadcast send again to send it now";
                await SaveAsync(record, lease, cancellationToken);
                return;
            }

            record.State = BroadcastStates.Sending;
            await SaveAsync(record, lease, cancellationToken);
        }

        if (record.State == BroadcastStates.Sending)
        {
            if (!record.Resolved && !await ResolveAsync(api, account, record, lease, cancellationToken))
            {
                return;
            }

            foreach (var batch in record.Batches.Where(b => b.State is BatchStates.Planned or BatchStates.Submitting))
            {
                lease = await RenewAsync(lease, cancellationToken);
                if (!await SubmitAsync(api, record, batch, lease, cancellationToken))
                {
                    return;
                }
            }

            if (record.Batches.All(b => b.State == BatchStates.Submitted))
            {
                record.State = BroadcastStates.Sent;
                await SaveAsync(record, lease, cancellationToken);
            }
        }

        if (record.State == BroadcastStates.Sent)
        {
            await FollowResultsAsync(api, record, lease, cancellationToken);
        }
    }

    /// <summary>Whom it goes to, in which batches; the subscription account's one send a day is checked here, at send time.</summary>
    private async Task<bool> ResolveAsync(BroadcastApi api, BroadcastAccount account, BroadcastRecord record, BroadcastLease lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (account.Kind == AccountKind.Subscription && await SentTodayAsync(record, now, cancellationToken) is { } other)
        {
            return await FailAsync(record, lease, $"a subscription account may broadcast once a day (WeChat's day, UTC{options.QuotaUtcOffsetHours:+0;-0}); '{other}' went out today", cancellationToken);
        }

        var (followers, everyone) = await AudienceResolver.FollowersAsync(api, record.AudienceKind == "All", cancellationToken);
        record.Followers = followers;
        List<string> recipients;
        if (record.AudienceKind == "OpenIds")
        {
            var named = await store.GetListAsync(record.Account, record.Id, "audience", cancellationToken);
            var sent = await store.DeliveriesAsync(record.Account, named, now, cancellationToken);
            recipients = [.. named.Where(o => !Exclusions.IsExcluded(sent.GetValueOrDefault(o) ?? [], now, account.Kind, record.PerFollowerPer30Days, options.QuotaOffset))];
            record.Excluded = named.Count - recipients.Count;
            if (recipients.Count < 2)
            {
                return await FailAsync(record, lease, $"{recipients.Count} of {named.Count} followers are left after the caps; WeChat sends to at least two", cancellationToken);
            }

            record.Batches = [.. Exclusions.Batches(recipients.Count).Select((b, i) => new BatchRecord { Index = i + 1, ClientMsgId = ClientMsgId.For(record.Id, i + 1, record.ContentHash), Size = b.Length })];
        }
        else
        {
            if (record.AudienceKind == "All")
            {
                recipients = everyone;
            }
            else
            {
                if (await AudienceResolver.TagAsync(api, record.AudienceName!, cancellationToken) is not { } tag)
                {
                    return await FailAsync(record, lease, $"WeChat has no tag '{record.AudienceName}' (account apply creates the tags the rules file declares)", cancellationToken);
                }

                record.TagId = tag.Id;
                recipients = await AudienceResolver.MembersAsync(api, tag.Id, cancellationToken);
            }

            record.Batches = [new BatchRecord { Index = 1, ClientMsgId = ClientMsgId.For(record.Id, 1, record.ContentHash) }];
        }

        await store.SetListAsync(record.Account, record.Id, "recipients", recipients, cancellationToken);
        record.Recipients = recipients.Count;
        record.Resolved = true;
        await SaveAsync(record, lease, cancellationToken);
        return true;
    }

    /// <returns>False when the broadcast must wait (a retry time) or stopped (failed, stuck).</returns>
    private async Task<bool> SubmitAsync(BroadcastApi api, BroadcastRecord record, BatchRecord batch, BroadcastLease lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (batch.RetryAt is { } retryAt && retryAt > now)
        {
            return false;
        }

        if (batch.FirstAttemptAt is { } first && now - first > options.StuckAfter)
        {
            // WeChat's clientmsgid protects 24 hours; past that a retry could send twice. A person decides.
            batch.State = BatchStates.Stuck;
            record.State = BroadcastStates.Stuck;
            record.Note = $"batch {batch.Index} has had no answer since {first:yyyy-MM-dd HH:mm zzz}; WeChat's duplicate check lasts 24 hours, so BrandBot will not retry it: check the console's sent list";
            await SaveAsync(record, lease, cancellationToken);
            return false;
        }

        // Written before the call: whatever happens next, a re-run knows this key may have been used.
        batch.State = BatchStates.Submitting;
        batch.FirstAttemptAt ??= now;
        batch.Attempts++;
        batch.RetryAt = null;
        await SaveAsync(record, lease, cancellationToken);

        WeChatAnswer answer;
        try
        {
            answer = await api.CallAsync(record.AudienceKind == "OpenIds" ? "cgi-bin/message/mass/send" : "cgi-bin/message/mass/sendall", await BodyAsync(record, batch, cancellationToken), options.SubmitTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or HttpRequestException)
        {
            // WeChat may have taken it. Only the same key may ask again.
            return await WaitAsync(record, batch, lease, options.RetryAfterTimeout, ex is TimeoutException ? "no answer in time" : "connection failed: " + ex.Message, cancellationToken);
        }

        switch (answer.Code)
        {
            case 0:
            case 45065:
                // 45065: this key already has a job in the last 24 hours, so the earlier attempt went through.
                batch.State = BatchStates.Submitted;
                batch.MsgId = answer.String("msg_id");
                batch.MsgDataId = answer.String("msg_data_id");
                batch.Adopted = answer.Code == 45065;
                batch.SubmittedAt = time.GetUtcNow();
                batch.ErrCode = null;
                batch.Error = null;
                record.SentAt ??= batch.SubmittedAt;
                await SaveAsync(record, lease, cancellationToken);
                await RecordSentAsync(record, batch, cancellationToken);
                return true;
            case 45066:
                return await WaitAsync(record, batch, lease, options.RetryAfterTooFast, "45066: same clientmsgid retried too fast", cancellationToken);
            case -1 or 42010 or 45011:
                return await WaitAsync(record, batch, lease, options.RetryAfterTooFast, $"{answer.Code}: {answer.Message}", cancellationToken);
            default:
                batch.State = BatchStates.Failed;
                batch.ErrCode = answer.Code;
                batch.Error = answer.Message;
                return await FailAsync(record, lease, $"batch {batch.Index}: WeChat refused it, {answer.Code} ({answer.Message})", cancellationToken);
        }
    }

    private async Task<byte[]> BodyAsync(BroadcastRecord record, BatchRecord batch, CancellationToken cancellationToken)
    {
        if (record.AudienceKind != "OpenIds")
        {
            return MassMessages.SendAll(record.AudienceKind == "All" ? null : record.TagId, record.MsgType, record.ContentJson, batch.ClientMsgId, record.SendIgnoreReprint);
        }

        return MassMessages.Send(await SliceAsync(record, batch, cancellationToken), record.MsgType, record.ContentJson, batch.ClientMsgId, record.SendIgnoreReprint);
    }

    private async Task<IReadOnlyList<string>> SliceAsync(BroadcastRecord record, BatchRecord batch, CancellationToken cancellationToken)
    {
        var recipients = await store.GetListAsync(record.Account, record.Id, "recipients", cancellationToken);
        if (record.AudienceKind != "OpenIds")
        {
            return recipients;
        }

        var (start, length) = Exclusions.Batches(recipients.Count)[batch.Index - 1];
        return [.. recipients.Skip(start).Take(length)];
    }

    /// <summary>The job's id points back to the broadcast, and its recipients' ledger learns of it (for caps and unfollows).</summary>
    private async Task RecordSentAsync(BroadcastRecord record, BatchRecord batch, CancellationToken cancellationToken)
    {
        if (batch.MsgId is { } msgId)
        {
            await store.IndexJobAsync(record.Account, msgId, record.Id, cancellationToken);
        }

        await store.RecordDeliveriesAsync(record.Account, record.Id, await SliceAsync(record, batch, cancellationToken), batch.SubmittedAt!.Value, cancellationToken);
    }

    private async Task<bool> WaitAsync(BroadcastRecord record, BatchRecord batch, BroadcastLease lease, TimeSpan wait, string why, CancellationToken cancellationToken)
    {
        batch.RetryAt = time.GetUtcNow() + wait;
        batch.Error = why;
        await SaveAsync(record, lease, cancellationToken);
        return false;
    }

    /// <summary>Asks mass/get for jobs whose event has not come, and closes the broadcast once every job has a result.</summary>
    private async Task FollowResultsAsync(BroadcastApi api, BroadcastRecord record, BroadcastLease lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var finishes = await store.FinishesAsync(record.Account, record.Batches.Select(b => b.MsgId ?? ""), cancellationToken);
        var changed = false;
        foreach (var batch in record.Batches.Where(b => b.MsgId is not null && !finishes.ContainsKey(b.MsgId)))
        {
            if (now - batch.SubmittedAt < options.PollAfter || (batch.PolledAt is { } polled && now - polled < options.PollAfter))
            {
                continue;
            }

            var answer = await api.CallAsync("cgi-bin/message/mass/get", MassMessages.Get(batch.MsgId!), options.SubmitTimeout, cancellationToken);
            batch.PolledAt = now;
            batch.PollStatus = answer.Code == 0 ? answer.String("msg_status") : $"{answer.Code}";
            changed = true;
            if (batch.PollStatus is "SEND_SUCCESS" or "SEND_FAIL" or "DELETE")
            {
                await store.RecordFinishAsync(record.Account, new JobFinish(batch.MsgId!, batch.PollStatus, null, null, null, null, null, now, FromEvent: false), cancellationToken);
            }
        }

        finishes = await store.FinishesAsync(record.Account, record.Batches.Select(b => b.MsgId ?? ""), cancellationToken);
        if (record.Batches.All(b => b.MsgId is not null && finishes.ContainsKey(b.MsgId)))
        {
            record.State = BroadcastStates.Finished;
            changed = true;
        }

        if (changed)
        {
            await SaveAsync(record, lease, cancellationToken);
        }
    }

    private async Task<string?> SentTodayAsync(BroadcastRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = Exclusions.QuotaDay(now, options.QuotaOffset);
        return (await store.ListAsync(record.Account, cancellationToken))
            .FirstOrDefault(r => r.Id != record.Id && r.SentAt is { } at && Exclusions.QuotaDay(at, options.QuotaOffset) == today)?.Id;
    }

    private async Task<bool> FailAsync(BroadcastRecord record, BroadcastLease lease, string why, CancellationToken cancellationToken)
    {
        record.State = BroadcastStates.Failed;
        record.Note = why;
        await SaveAsync(record, lease, cancellationToken);
        return false;
    }

    private async Task<BroadcastLease> RenewAsync(BroadcastLease lease, CancellationToken cancellationToken) =>
        await store.AcquireAsync(lease.Account, lease.Id, lease.Owner, options.Lease, cancellationToken) ?? throw new LeaseLostException(lease.Id);

    private async Task SaveAsync(BroadcastRecord record, BroadcastLease lease, CancellationToken cancellationToken)
    {
        if (!await store.SaveAsync(record, lease, cancellationToken))
        {
            throw new LeaseLostException(record.Id);
        }
    }
}
