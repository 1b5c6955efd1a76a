using System.Collections.Concurrent;
using BrandBot.Delivery.Pipeline;
using BrandBot.Hosting;
using BrandBot.Webhook;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BrandBot.Testing;

/// <summary>
/// A real BrandBot on a real socket (127.0.0.1, port chosen by the OS), configured in memory.
/// Only configuration, the clock, entropy and logging are swapped; everything else is production wiring.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, FakeTimeProvider time, CapturingLoggerProvider logs, IReadOnlyCollection<string> otherUrls)
    {
        _app = app;
        Time = time;
        Logs = logs;
        // With a dashboard or metrics listener the server listens more than once; Client is the webhook's listener.
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => otherUrls.All(other => new Uri(a).Port != new Uri(other).Port));
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static DateTimeOffset Now { get; } = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="realClock">
    /// Keep the system clock (for tests that race the push budget against real backends);
    /// <see cref="Time"/> is then not wired in.
    /// </param>
    public static async Task<TestServer> StartAsync(IDictionary<string, string?> settings, bool realClock = false)
    {
        var time = new FakeTimeProvider(Now);
        var logs = new CapturingLoggerProvider();
        var app = await BrandBotApp.BuildAsync(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
            if (!realClock)
            {
                builder.Services.RemoveAll<TimeProvider>();
                builder.Services.AddSingleton<TimeProvider>(time);
            }

            builder.Services.RemoveAll<IEntropy>();
            builder.Services.AddSingleton<IEntropy>(new FixedEntropy());
        });
        try
        {
            await BrandBotApp.StartAsync(app);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var otherUrls = new[] { "BrandBot:Dashboard:Urls", "BrandBot:Metrics:Urls", "BrandBot:Api:Urls" }
            .SelectMany(key => (settings.TryGetValue(key, out var urls) ? urls ?? "" : "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        return new TestServer(app, time, logs, otherUrls);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Pins the envelope prefix so encrypted replies are reproducible.</summary>
public sealed class FixedEntropy : IEntropy
{
    public void Fill(Span<byte> buffer) => buffer.Fill(0x42);
}

/// <summary>Keeps every formatted log line so tests can assert what is (and is not) logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)} {exception}");
    }
}
