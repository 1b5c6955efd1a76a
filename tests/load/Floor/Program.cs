// What the web server alone can do on this machine: read the body, answer "success".
// With --redis HOST:PORT: the same plus one StackExchange.Redis script call per request (a SET NX PX
// of a per-request key, INCR + EXPIRE of a per-sender window) — the ceiling of any design that
// waits on Redis once per push (docs/exactly-once.md).
using StackExchange.Redis;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// "--redis HOST:PORT" arrives as the configuration key "redis", like "--urls".
var redisAt = builder.Configuration["redis"];
var app = builder.Build();
var redis = string.IsNullOrEmpty(redisAt) ? null : await ConnectionMultiplexer.ConnectAsync(redisAt);
const string OneCall = """
    local first = redis.call('SET', KEYS[1], 'P', 'NX', 'PX', ARGV[1])
    local n = redis.call('INCR', KEYS[2])
    if n == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
    if first then return 1 end
    return 0
    """;
long requests = 0;
app.MapPost("/wechat/{account}", async (HttpRequest request) =>
{
    // Read the body like a real webhook must, so the floor is not flattered by skipping it.
    var buffer = new byte[8192];
    while (await request.Body.ReadAsync(buffer) > 0)
    {
    }

    if (redis is not null)
    {
        var n = Interlocked.Increment(ref requests);
        await redis.GetDatabase().ScriptEvaluateAsync(OneCall, [$"floor:push:{n}", $"floor:rate:{n % 20_000}"], [6000, 60]);
    }

    return Results.Text("success");
});
app.Run();
