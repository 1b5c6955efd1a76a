using System.Text.Json;
using BrandBot.Delivery.Pipeline;
using BrandBot.Outbound;
using BrandBot.Outbound.Messages;
using BrandBot.Outbound.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.Api;

/// <summary>
/// <c>/api/v1</c> (docs/outbound-messages.md): queue one message or a batch, read one, list recent ones,
/// and the OpenAPI document. Every refusal is problem details; nothing here calls WeChat.
/// </summary>
public static class MessageEndpoints
{
    public const int MaxBatch = 1000;

    private static readonly HashSet<string> BatchItemFields = ["idempotencyKey"];

    public static RouteGroupBuilder MapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.AddEndpointFilter(StoreUnavailableAsync);
        api.MapGet("/openapi.json", OpenApi.WriteAsync);
        api.MapPost("/{account}/messages", SendAsync);
        api.MapPost("/{account}/messages/batch", SendBatchAsync);
        api.MapGet("/{account}/messages/{id}", ReadAsync);
        api.MapGet("/{account}/messages", ListAsync);
        return api;
    }

    private static async Task SendAsync(HttpContext context, string account)
    {
        var services = context.RequestServices;
        var (refused, name) = Authorize(context, account);
        if (refused is not null)
        {
            await refused.WriteAsync(context);
            return;
        }

        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (!IdempotencyKey.IsValid(key))
        {
            await Problem.BadKey().WriteAsync(context);
            return;
        }

        var options = services.GetRequiredService<ApiOptions>();
        if (await ReadJsonAsync(context, options.MaxBodyBytes) is not { } document)
        {
            return;
        }

        using (document)
        {
            var (request, errors) = MessageRequestReader.Read(document.RootElement);
            if (request is null)
            {
                await Problem.Invalid(errors).WriteAsync(context);
                return;
            }

            var result = await services.GetRequiredService<MessageIntake>().AcceptAsync(name, key, request, context.RequestAborted);
            if (Refusal(result, request) is { } problem)
            {
                await problem.WriteAsync(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.Headers.Location = $"/api/v1/{name}/messages/{result.Id}";
            if (result.Outcome == AcceptOutcome.Replayed)
            {
                // Stripe's habit: a replayed answer says so, and is otherwise the first answer.
                context.Response.Headers["Idempotent-Replayed"] = "true";
            }

            await WriteJsonAsync(context, json =>
            {
                json.WriteStartObject();
                json.WriteString("id", result.Id);
                json.WriteString("status", MessageStatus.Queued);
                json.WriteEndObject();
            });
        }
    }

    private static async Task SendBatchAsync(HttpContext context, string account)
    {
        var services = context.RequestServices;
        var (refused, name) = Authorize(context, account);
        if (refused is not null)
        {
            await refused.WriteAsync(context);
            return;
        }

        var options = services.GetRequiredService<ApiOptions>();
        if (await ReadJsonAsync(context, options.MaxBatchBodyBytes) is not { } document)
        {
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                await Problem.Invalid([new FieldError("messages", "is required: an array of messages, each with its idempotencyKey")]).WriteAsync(context);
                return;
            }

            var count = messages.GetArrayLength();
            if (count is 0 or > MaxBatch)
            {
                await Problem.Invalid([new FieldError("messages", $"must hold 1 to {MaxBatch} messages (got {count})")]).WriteAsync(context);
                return;
            }

            var intake = services.GetRequiredService<MessageIntake>();
            var results = new List<(int Status, string? Id, Problem? Problem)>(count);
            var index = 0;
            foreach (var item in messages.EnumerateArray())
            {
                var at = $"messages[{index++}].";
                var key = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("idempotencyKey", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                var (request, errors) = MessageRequestReader.Read(item, at, BatchItemFields);
                if (!IdempotencyKey.IsValid(key))
                {
                    errors = [new FieldError(at + "idempotencyKey", "is required: 1-64 of A-Z a-z 0-9 . _ : -"), .. errors];
                    request = null;
                }

                if (request is null)
                {
                    results.Add((400, null, Problem.Invalid(errors)));
                    continue;
                }

                var result = await intake.AcceptAsync(name, key!, request, context.RequestAborted);
                results.Add(Refusal(result, request) is { } problem ? (problem.Status, result.Id, problem) : (202, result.Id, null));
            }

            context.Response.StatusCode = StatusCodes.Status207MultiStatus;
            var instance = context.Request.Path.ToString();
            await WriteJsonAsync(context, json =>
            {
                json.WriteStartArray();
                foreach (var (status, id, problem) in results)
                {
                    json.WriteStartObject();
                    json.WriteNumber("status", status);
                    if (id is not null)
                    {
                        json.WriteString("id", id);
                        json.WriteString("location", $"/api/v1/{name}/messages/{id}");
                    }

                    if (problem is not null)
                    {
                        json.WritePropertyName("problem");
                        problem.WriteTo(json, instance);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
            });
        }
    }

    private static async Task ReadAsync(HttpContext context, string account, string id)
    {
        var (refused, name) = Authorize(context, account);
        if (refused is not null)
        {
            await refused.WriteAsync(context);
            return;
        }

        var services = context.RequestServices;
        if (await services.GetRequiredService<IOutboundStore>().GetAsync(name, id, context.RequestAborted) is not { } message)
        {
            await Problem.NotFound(id).WriteAsync(context);
            return;
        }

        await WriteJsonAsync(context, json => MessageView.Write(json, message));
    }

    private static async Task ListAsync(HttpContext context, string account)
    {
        var (refused, name) = Authorize(context, account);
        if (refused is not null)
        {
            await refused.WriteAsync(context);
            return;
        }

        var status = context.Request.Query["status"].ToString();
        var limitText = context.Request.Query["limit"].ToString();
        var errors = new List<FieldError>();
        if (status.Length > 0 && !MessageStatus.All.Contains(status))
        {
            errors.Add(new FieldError("status", $"must be one of {string.Join(", ", MessageStatus.All)}"));
        }

        var limit = 50;
        if (limitText.Length > 0 && (!int.TryParse(limitText, out limit) || limit is < 1 or > 1000))
        {
            errors.Add(new FieldError("limit", "must be a number from 1 to 1000"));
        }

        if (errors.Count > 0)
        {
            await Problem.Invalid(errors).WriteAsync(context);
            return;
        }

        var services = context.RequestServices;
        var list = await services.GetRequiredService<IOutboundStore>().ListAsync(name, status.Length > 0 ? status : null, limit, context.RequestAborted);
        await WriteJsonAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var message in list)
            {
                MessageView.Write(json, message);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>
    /// The store is away (Redis down): 503 with problem details and Retry-After, never a stack trace.
    /// Nothing was queued unless the store said so, so the same key may be sent again.
    /// </summary>
    private static async ValueTask<object?> StoreUnavailableAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        try
        {
            return await next(invocation);
        }
        catch (Exception e) when (e is not OperationCanceledException && !invocation.HttpContext.Response.HasStarted)
        {
            invocation.HttpContext.Response.Headers.RetryAfter = "5";
            await new Problem("store-unavailable", 503, "Store unavailable", "The message store cannot be reached; nothing was queued. Try again with the same Idempotency-Key.").WriteAsync(invocation.HttpContext);
            return Results.Empty;
        }
    }

    /// <summary>
    /// 401 without a known key, 403 for an account the key may not send for, 404 for an unknown account it
    /// could; else no problem and the account's name as configured.
    /// </summary>
    private static (Problem? Problem, string Account) Authorize(HttpContext context, string account)
    {
        var services = context.RequestServices;
        if (services.GetRequiredService<ApiKeys>().Find(context.Request.Headers.Authorization) is not { } key)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return (Problem.Unauthorized(), account);
        }

        if (!ApiKeys.Allows(key, account))
        {
            return (Problem.Forbidden(account), account);
        }

        return services.GetRequiredService<AccountDirectory>().Find(account) is { } found ? (null, found.Name) : (Problem.UnknownAccount(account), account);
    }

    private static Problem? Refusal(AcceptResult result, MessageRequest request) => result.Outcome switch
    {
        AcceptOutcome.Conflict => Problem.Conflict(result.Id!),
        AcceptOutcome.WindowClosed => Problem.WindowClosed(),
        AcceptOutcome.NoGrant => Problem.NoGrant(request.TemplateId),
        _ => null,
    };

    /// <summary>The body parsed; null after answering 413 or 400.</summary>
    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context, int maxBytes)
    {
        var (outcome, body) = await CappedBody.ReadAsync(context.Request, maxBytes, context.RequestAborted);
        if (outcome != CappedBody.Outcome.Read)
        {
            var refusal = outcome == CappedBody.Outcome.TooLarge ? Problem.TooLarge(maxBytes) : Problem.BadJson("the body's chunked framing is broken; send it again whole");
            await refusal.WriteAsync(context);
            return null;
        }

        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            await Problem.BadJson($"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})").WriteAsync(context);
            return null;
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        write(json);
        await json.FlushAsync(context.RequestAborted);
    }
}
