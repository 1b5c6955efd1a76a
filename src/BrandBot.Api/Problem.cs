using System.Text.Json;
using BrandBot.Outbound.Messages;
using Microsoft.AspNetCore.Http;

namespace BrandBot.Api;

/// <summary>
/// Every refusal as RFC 9457 problem details (<c>application/problem+json</c>): a <c>type</c> naming the
/// problem (<c>urn:brandbot:problem:window-closed</c>, …, listed in docs/outbound-messages.md#errors), a
/// title, the status, a detail sentence, and <c>errors</c> naming each bad field.
/// </summary>
public sealed record Problem(string Type, int Status, string Title, string Detail, IReadOnlyList<FieldError>? Errors = null)
{
    public const string ContentType = "application/problem+json";

    public const string TypePrefix = "urn:brandbot:problem:";

    public static Problem Unauthorized() => new("unauthorized", 401, "Missing or unknown API key", "Send Authorization: Bearer KEY with a key from BrandBot:Api:Keys.");

    public static Problem Forbidden(string account) => new("forbidden", 403, "Key not allowed for this account", $"This key may not send for account '{account}'.");

    public static Problem UnknownAccount(string account) => new("unknown-account", 404, "Unknown account", $"No account is named '{account}'.");

    public static Problem NotFound(string id) => new("not-found", 404, "No such message", $"No message '{id}' in this account.");

    public static Problem BadKey() => new("invalid-idempotency-key", 400, "Missing or invalid Idempotency-Key", "Send an Idempotency-Key header of 1-64 characters of A-Z a-z 0-9 . _ : -.",
        [new FieldError("Idempotency-Key", "must be 1-64 of A-Z a-z 0-9 . _ : -")]);

    public static Problem BadJson(string why) => new("invalid-json", 400, "The body is not JSON", why, [new FieldError("body", why)]);

    public static Problem Invalid(IReadOnlyList<FieldError> errors) =>
        new("invalid-request", 400, "The request has invalid fields", string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")), errors);

    public static Problem TooLarge(int max) => new("too-large", 413, "The body is too large", $"Bodies up to {max} bytes are accepted here.", [new FieldError("body", $"larger than {max} bytes")]);

    public static Problem Conflict(string id) => new("idempotency-key-reused", 409, "Idempotency-Key used with a different body",
        $"This key already queued message {id} with a different body; use a new key for a new message.", [new FieldError("Idempotency-Key", $"already used for {id}")]);

    public static Problem WindowClosed() => new("window-closed", 422, "Customer-service window closed",
        "The follower has not written within the window, or its allowance is used up; nothing was sent. Use a template message, or wait for the follower to write.",
        [new FieldError("to", "outside the customer-service window")]);

    public static Problem NoGrant(string? template) => new("no-grant", 422, "No subscription grant",
        $"The follower has no unused grant for template '{template}' (each accept in the subscription popup allows one send); nothing was sent.",
        [new FieldError("subscription.templateId", "no unused grant for this follower")]);

    public void WriteTo(Utf8JsonWriter json, string instance)
    {
        json.WriteStartObject();
        json.WriteString("type", TypePrefix + Type);
        json.WriteString("title", Title);
        json.WriteNumber("status", Status);
        json.WriteString("detail", Detail);
        json.WriteString("instance", instance);
        if (Errors is { Count: > 0 })
        {
            json.WriteStartArray("errors");
            foreach (var error in Errors)
            {
                json.WriteStartObject();
                json.WriteString("field", error.Field);
                json.WriteString("message", error.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        context.Response.ContentType = ContentType;
        await using var json = new Utf8JsonWriter(context.Response.Body);
        WriteTo(json, context.Request.Path);
        await json.FlushAsync(context.RequestAborted);
    }
}
