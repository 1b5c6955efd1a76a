using System.Diagnostics;
using BrandBot.Delivery;
using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Pipeline;
using BrandBot.Logging;
using BrandBot.Metrics;
using BrandBot.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace BrandBot.Webhook;

/// <summary>The webhook's two requests: the console's URL check and a push, each answered with exactly what WeChat expects.</summary>
internal sealed class WebhookHandler(
    AccountDirectory accounts, PushProcessor processor, IOptions<BrandBotOptions> options,
    BrandBotMetrics metrics, RejectionLog logger, TimeProvider time, FollowUps followUps)
{
    public async Task VerifyUrlAsync(string account, HttpContext context)
    {
        var found = accounts.Find(account);
        var answer = found is not null
            ? processor.Verify(found, QueryOf(context.Request.Query), context.Request.Query["echostr"].ToString())
            : WebhookAnswer.Reject(404, "unknown_account", "unknown account");
        await WriteAsync(context, found?.Name, account, answer);
    }

    public async Task ReceivePushAsync(string account, HttpContext context)
    {
        var arrived = time.GetTimestamp();
        using var activity = Tracing.Source.StartActivity("brandbot.push", ActivityKind.Server);
        WebhookAnswer answer;
        var query = QueryOf(context.Request.Query);
        var found = accounts.Find(account);
        if (found is null)
        {
            answer = WebhookAnswer.Reject(404, "unknown_account", "unknown account");
        }
        else
        {
            var maxBytes = options.Value.MaxBodyBytes;
            try
            {
                using var body = await BodyReader.ReadCappedAsync(context.Request, maxBytes, context.RequestAborted);
                answer = body is null
                    ? WebhookAnswer.Reject(413, "too_large", $"body larger than {maxBytes} bytes")
                    : await processor.ProcessAsync(found, query, body.Memory, arrived, context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
            {
                // WeChat (or the proxy) hung up while the body was read or the gate consulted:
                // nobody is left to answer, and nothing was admitted that a retry would miss.
                metrics.Push(found.Name, query.IsEncrypted ? "aes" : "plain", "abandoned");
                return;
            }
            catch (IOException)
            {
                // Broken chunked framing (Kestrel's BadHttpRequestException) or a chunk size that overflows
                // (a plain IOException): the client's fault, refused like any bad push — never a 500.
                answer = WebhookAnswer.Reject(400, "bad_body", "malformed request body");
            }
        }

        metrics.Push(
            found?.Name ?? Unknown,
            query.IsEncrypted ? "aes" : "plain",
            answer.Status != 200 ? "rejected_" + answer.Status : answer.IsSuccess ? "success" : "reply");
        metrics.PushDuration(found?.Name ?? Unknown, time.GetElapsedTime(arrived).TotalSeconds);
        activity?.SetTag("brandbot.account", found?.Name ?? Unknown);
        activity?.SetTag("brandbot.mode", query.IsEncrypted ? "aes" : "plain");
        activity?.SetTag("http.response.status_code", answer.Status);
        activity?.SetTag("brandbot.outcome", answer.RejectCode ?? (answer.IsSuccess ? "success" : "reply"));

        await WriteAsync(context, found?.Name, account, answer);
        if (answer.FollowUp is { } followUp)
        {
            followUps.Start(found!.Name, followUp);
        }
    }

    /// <param name="known">The configured account's name, or null: the URL segment itself never becomes a label.</param>
    private async Task WriteAsync(HttpContext context, string? known, string account, WebhookAnswer answer)
    {
        if (answer.RejectReason is { } reason)
        {
            metrics.Rejection(known ?? Unknown, answer.RejectCode ?? "other");
            logger.Write(context.Request.Method, Sanitize(account), answer.Status, reason);
            if (answer.Status == 413 || answer.RejectCode == "bad_body")
            {
                // Do not keep the connection open to drain a body we refused to read, or whose framing is lost.
                context.Response.Headers.Connection = "close";
            }
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        context.Response.ContentLength = answer.Body.Length;
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    private const string Unknown = "(unknown)";

    /// <summary>The signed query parameters of a push (docs/protocol.md §2.1), read from the parsed request.</summary>
    private static PushQuery QueryOf(IQueryCollection query) => new(
        query["signature"].ToString(),
        query["timestamp"].ToString(),
        query["nonce"].ToString(),
        query.TryGetValue("encrypt_type", out var type) ? type.ToString() : null,
        query.TryGetValue("msg_signature", out var msgSignature) ? msgSignature.ToString() : null);

    // The account segment comes from the URL: keep log lines to a short, printable form.
    private static string Sanitize(string account) =>
        new([.. account.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '?')]);
}
