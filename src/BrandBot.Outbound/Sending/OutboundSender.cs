using System.Text;
using BrandBot.Delivery.Pipeline;
using BrandBot.Outbound.Messages;
using BrandBot.Outbound.Store;
using BrandBot.WeChatApi;
using BrandBot.WeChatApi.Tokens;
using Microsoft.Extensions.Logging;

namespace BrandBot.Outbound.Sending;

/// <summary>
/// One attempt at one leased message (docs/outbound-messages.md#exactly-once). Before the WeChat call is
/// written, the message is marked in-call under its fence; so whoever claims it next knows a call may
/// have gone out. Then a customer-service or subscription message becomes <c>unknown</c> (never sent
/// again blindly), while a template is sent again with the same <c>client_msg_id</c>, which WeChat keeps
/// once. Refusals before sending (−1, 45011, a rejected token, no connection) are tried again later;
/// so is a message for which no token could be had, without ever failing it for that.
/// </summary>
public sealed class OutboundSender(
    IOutboundStore store,
    AccountDirectory accounts,
    AccessTokens tokens,
    MessageSends sends,
    OutboundOptions options,
    IOutboundObserver observer,
    TimeProvider time,
    Random random,
    ILoggerFactory logs)
{
    private readonly ILogger _log = logs.CreateLogger(OutboundLog.Category);

    /// <summary>Accounts this instance could not get a token for, since when: their warning is logged once per outage.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _tokenOutages = new(StringComparer.Ordinal);

    public async Task ProcessAsync(Claim claim, CancellationToken stopping)
    {
        var message = claim.Message;
        if (message.InCall && message.Kind != MessageKind.Template)
        {
            await FinishAsync(claim, message with
            {
                Status = MessageStatus.Unknown,
                InCall = false,
                Error = "the instance sending it stopped during the WeChat call: it may have been sent; not repeated, so it is never sent twice",
            });
            return;
        }

        if (accounts.Find(message.Account)?.Credentials is not { } credentials)
        {
            await FinishAsync(claim, message with { Status = MessageStatus.Failed, Error = "the account has no AppSecret: set BrandBot:Accounts:N:AppSecret" });
            return;
        }

        string token;
        try
        {
            token = await tokens.GetAsync(credentials, stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            await WaitForTokenAsync(claim, message, e.Message);
            return;
        }

        if (_tokenOutages.TryRemove(message.Account, out var since))
        {
            OutboundLog.TokenAvailable(_log, message.Account, (time.GetUtcNow() - since).TotalSeconds);
        }

        var calling = message with { InCall = true, Attempts = message.Attempts + 1, TokenFailures = 0, Status = MessageStatus.Sending };
        if (!await store.UpdateAsync(calling, claim.Fence, null, time.GetUtcNow(), stopping))
        {
            OutboundLog.LeaseLost(_log, message.Id, message.Account);
            return;
        }

        SendAnswer answer;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.SendTimeoutSeconds));
            answer = await CallAsync(calling, token, timeout.Token);
        }
        catch (HttpRequestException e) when (MessageSends.NeverSent(e))
        {
            await RetryAsync(claim, calling with { InCall = false }, "could not connect to WeChat: " + e.Message);
            return;
        }
        catch (Exception e) when ((e is HttpRequestException or OperationCanceledException) && !stopping.IsCancellationRequested)
        {
            var what = e is OperationCanceledException ? $"no answer from WeChat within {options.SendTimeoutSeconds} s" : e.Message;
            if (calling.Kind == MessageKind.Template)
            {
                // Safe to repeat: the same client_msg_id makes WeChat keep one message.
                await RetryAsync(claim, calling, what + "; trying again with the same client_msg_id");
            }
            else
            {
                await FinishAsync(claim, calling with
                {
                    Status = MessageStatus.Unknown,
                    InCall = false,
                    Error = what + ": WeChat may have sent it; not repeated, so it is never sent twice",
                });
            }

            return;
        }

        if (answer.ErrCode == 0)
        {
            await FinishAsync(claim, calling with
            {
                Status = MessageStatus.Sent,
                InCall = false,
                SentAt = time.GetUtcNow(),
                WeChatMsgId = answer.MsgId,
                ErrCode = 0,
                ErrMsg = answer.ErrMsg,
                Error = null,
            });
        }
        else if (answer.IsTokenRejected)
        {
            // Refused before anything was sent: read the token afresh and try again at once.
            await tokens.DiscardAsync(credentials, token);
            await RetryAsync(claim, calling with { InCall = false, ErrCode = answer.ErrCode, ErrMsg = answer.ErrMsg }, $"access token rejected ({answer.ErrCode})", TimeSpan.Zero);
        }
        else if (WeChatErrors.IsTransient(answer.ErrCode))
        {
            await RetryAsync(claim, calling with { InCall = false, ErrCode = answer.ErrCode, ErrMsg = answer.ErrMsg }, WeChatErrors.Describe(answer.ErrCode, answer.ErrMsg));
        }
        else
        {
            await FinishAsync(claim, calling with
            {
                Status = MessageStatus.Failed,
                InCall = false,
                ErrCode = answer.ErrCode,
                ErrMsg = answer.ErrMsg,
                Error = WeChatErrors.Describe(answer.ErrCode, answer.ErrMsg),
            });
        }
    }

    private Task<SendAnswer> CallAsync(OutboundMessage message, string token, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(message.Payload);
        return message.Kind switch
        {
            MessageKind.Template => sends.TemplateAsync(token, WithClientMsgId(body, message), cancellationToken),
            MessageKind.Subscription => sends.SubscriptionAsync(token, body, cancellationToken),
            _ => sends.CustomerServiceAsync(token, body, cancellationToken),
        };
    }

    /// <summary>The payload with <c>client_msg_id</c> added as its last field (the payload is an object written by us).</summary>
    private static byte[] WithClientMsgId(byte[] payload, OutboundMessage message)
    {
        var id = IdempotencyKey.ClientMsgId(message.Account, message.IdempotencyKey);
        var tail = Encoding.UTF8.GetBytes($",\"client_msg_id\":\"{id}\"}}");
        var body = new byte[payload.Length - 1 + tail.Length];
        payload.AsSpan(0, payload.Length - 1).CopyTo(body);
        tail.CopyTo(body.AsSpan(payload.Length - 1));
        return body;
    }

    /// <summary>
    /// No token, so nothing was sent: the message waits with the back-off of a transient refusal, counted by
    /// its own token failures (never by <c>MaxAttempts</c>: a token outage does not fail messages). The
    /// operator is told once per outage per account, not once per message per try.
    /// </summary>
    private async Task WaitForTokenAsync(Claim claim, OutboundMessage message, string reason)
    {
        var waiting = message with { Status = MessageStatus.Queued, TokenFailures = message.TokenFailures + 1, Error = "no access token: " + reason };
        var wait = Backoff.After(waiting.TokenFailures, random);
        var now = time.GetUtcNow();
        if (!await store.UpdateAsync(waiting, claim.Fence, now + wait, now))
        {
            OutboundLog.LeaseLost(_log, message.Id, message.Account);
            return;
        }

        observer.Counted(message.Account, message.Kind.Name(), "retried");
        if (_tokenOutages.TryAdd(message.Account, now))
        {
            OutboundLog.TokenUnavailable(_log, message.Account, reason);
        }
    }

    private async Task RetryAsync(Claim claim, OutboundMessage message, string reason, TimeSpan? delay = null)
    {
        if (message.Attempts >= options.MaxAttempts)
        {
            // A template whose last answer was lost may have gone out: unknown, not failed.
            var status = message.InCall ? MessageStatus.Unknown : MessageStatus.Failed;
            await FinishAsync(claim, message with { Status = status, InCall = false, Error = $"gave up after {message.Attempts} attempts; the last: {reason}" });
            return;
        }

        var wait = delay ?? Backoff.After(message.Attempts, random);
        var now = time.GetUtcNow();
        if (await store.UpdateAsync(message with { Status = MessageStatus.Queued, Error = reason }, claim.Fence, now + wait, now))
        {
            observer.Counted(message.Account, message.Kind.Name(), "retried");
            OutboundLog.Retrying(_log, message.Id, message.Account, message.Kind.Name(), wait.TotalSeconds, reason);
        }
        else
        {
            OutboundLog.LeaseLost(_log, message.Id, message.Account);
        }
    }

    private async Task FinishAsync(Claim claim, OutboundMessage message)
    {
        var now = time.GetUtcNow();
        var finished = message with { FinishedAt = message.Status == MessageStatus.Sent ? null : now };
        if (!await store.UpdateAsync(finished, claim.Fence, null, now))
        {
            OutboundLog.LeaseLost(_log, message.Id, message.Account);
            return;
        }

        var kind = message.Kind.Name();
        observer.Counted(message.Account, kind, message.Status);
        switch (message.Status)
        {
            case MessageStatus.Sent:
                OutboundLog.Sent(_log, message.Id, message.Account, kind, message.Attempts);
                break;
            case MessageStatus.Unknown:
                OutboundLog.Unknown(_log, message.Id, message.Account, kind, message.Error ?? "");
                break;
            default:
                OutboundLog.Failed(_log, message.Id, message.Account, kind, message.Error ?? "");
                break;
        }
    }
}
