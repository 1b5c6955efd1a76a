using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using BrandBot.FakeWeChat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BrandBot.Testing;

/// <summary>A brand's backend on loopback: records what BrandBot posts and answers as the test says.</summary>
public sealed class FakeBackend : IAsyncDisposable
{
    private LoopbackHost _host = null!;
    private int _calls;
    private int _answered;

    public string BaseUrl => _host.BaseUrl;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Answers written back so far: lets a test tell "before the backend answered" without a clock.</summary>
    public int Answered => Volatile.Read(ref _answered);

    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    /// <summary>How to answer: delay, status and body. Default: 200 with a text reply echoing the content.</summary>
    public Func<JsonElement, (TimeSpan Delay, int Status, string Body)> Behaviour { get; set; } =
        push => (TimeSpan.Zero, 200, JsonSerializer.Serialize(new { text = "backend: " + push.GetProperty("content").GetString() }));

    public static async Task<FakeBackend> StartAsync()
    {
        var backend = new FakeBackend();
        backend._host = await LoopbackHost.StartAsync(app => app.MapPost("/hook", backend.HandleAsync));
        return backend;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var push = body.RootElement.Clone();
        Requests.Enqueue(push);
        Interlocked.Increment(ref _calls);
        var (delay, status, answer) = Behaviour(push);
        try
        {
            await Task.Delay(delay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer, Encoding.UTF8);
        Interlocked.Increment(ref _answered);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();
}
