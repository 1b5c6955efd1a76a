using Microsoft.AspNetCore.Http;

namespace BrandBot.Api;

/// <summary>
/// <c>GET /api/v1/openapi.json</c>: the API described by hand (openapi.json, embedded), so the document
/// says exactly what the handlers do — problem types, the 207 batch, the idempotency header — which a
/// generator could only approximate for hand-written handlers. Served without a key: it holds no secrets.
/// </summary>
public static class OpenApi
{
    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApi).Assembly.GetManifestResourceStream("openapi.json")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static Task WriteAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(Document.Value, context.RequestAborted).AsTask();
    }
}
