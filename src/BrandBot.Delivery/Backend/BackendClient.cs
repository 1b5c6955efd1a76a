using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using BrandBot.WeChatApi;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace BrandBot.Delivery.Backend;

/// <summary>
/// Calls brand backends for <c>webhook</c> replies through <see cref="IHttpClientFactory"/> and a
/// Polly pipeline per backend: retry (only what is safe to repeat) → circuit breaker → per-attempt
/// timeout. Timeouts and bad answers count as failures for the breaker, so a backend that hangs or
/// answers garbage is cut off and the fallback replies flow without waiting.
/// </summary>
public sealed class BackendClient(IHttpClientFactory clients, BackendOptions options, TimeProvider time, IDeliveryObserver observer)
{
    public const string HttpClientName = "brandbot-backend";

    private const int MaxAnswerBytes = 64 * 1024;
    private static readonly ResiliencePropertyKey<TimeSpan> AttemptTimeout = new("brandbot.attempt-timeout");

    private readonly ConcurrentDictionary<string, ResiliencePipeline<BackendResult>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    public async Task<BackendResult> CallAsync(string account, Uri url, TimeSpan timeout, BackendPush push, CancellationToken cancellationToken)
    {
        var backend = url.GetLeftPart(UriPartial.Authority);
        using var activity = Tracing.Source.StartActivity("brandbot.backend", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("server.address", backend);
        var pipeline = _pipelines.GetOrAdd(backend, Build);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AttemptTimeout, timeout);
        BackendResult result;
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) => Outcome.FromResult(await state.Self.SendAsync(state.Url, state.Body, state.Key, ctx.CancellationToken)),
                context,
                (Self: this, Url: url, Body: push.ToJson(), Key: push.Flow?.IdempotencyKey));
            result = outcome.Exception switch
            {
                null => outcome.Result!,
                BrokenCircuitException => BackendResult.Failed("circuit_open"),
                TimeoutRejectedException => BackendResult.Failed("timeout"),
                OperationCanceledException => BackendResult.Failed("timeout"),
                _ => BackendResult.Failed("failed"),
            };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        observer.BackendCalled(account, backend, result.Outcome);
        activity?.SetTag("brandbot.outcome", result.Outcome);
        return result;
    }

    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c> (flow calls): the same on every retry, so the backend acts once.</param>
    private async Task<BackendResult> SendAsync(Uri url, byte[] body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
            {
                return BackendResult.Failed("failed", retryable: true);
            }

            if (!response.IsSuccessStatusCode)
            {
                return BackendResult.Failed("failed");
            }

            var bytes = await BoundedBody.ReadAsync(response.Content, MaxAnswerBytes, cancellationToken);
            return BackendAnswer.Parse(bytes) is { } replies ? BackendResult.Ok(replies) with { Flow = BackendAnswer.FlowOf(bytes) } : BackendResult.Failed("bad_answer");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            // The connection was never made, so the backend cannot have acted on the push.
            return BackendResult.Failed("failed", retryable: true);
        }
        catch (HttpRequestException)
        {
            return BackendResult.Failed("failed");
        }
    }

    private ResiliencePipeline<BackendResult> Build(string backend) => new ResiliencePipelineBuilder<BackendResult> { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions<BackendResult>
        {
            MaxRetryAttempts = Math.Max(1, options.Retries),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            ShouldHandle = args => ValueTask.FromResult(options.Retries > 0 && args.Outcome.Result is { Retryable: true }),
        })
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions<BackendResult>
        {
            FailureRatio = options.FailureRatio,
            MinimumThroughput = Math.Max(2, options.MinimumCalls),
            SamplingDuration = TimeSpan.FromSeconds(options.SamplingSeconds),
            BreakDuration = TimeSpan.FromSeconds(options.BreakSeconds),
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is TimeoutRejectedException or HttpRequestException || args.Outcome.Result is { Succeeded: false }),
            OnOpened = args =>
            {
                observer.BackendCircuitChanged(backend, open: true, args.BreakDuration);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                observer.BackendCircuitChanged(backend, open: false, TimeSpan.Zero);
                return ValueTask.CompletedTask;
            },
        })
        .AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(AttemptTimeout, TimeSpan.FromSeconds(3))),
        })
        .Build();
}
