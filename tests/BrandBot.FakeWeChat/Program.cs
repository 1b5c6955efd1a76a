using BrandBot.FakeWeChat;

// Runs the stand-in of WeChat's API by itself, for trying the account verbs without an account:
//   dotnet run --project tests/BrandBot.FakeWeChat -- http://127.0.0.1:9100
// It prints every account call it answers; state lives in this process and ends with it.
// With --push URL TOKEN APPID [AESKEY] it pushes MASSSENDJOBFINISH events to that webhook (docs/broadcasts.md).
var url = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "http://127.0.0.1:9100";
FakeWeChatApi api;
try
{
    api = await FakeWeChatApi.StartAsync(url);
}
catch (IOException ex)
{
    Console.Error.WriteLine($"fake WeChat API: cannot listen on {url}: {ex.InnerException?.Message ?? ex.Message}");
    return 2;
}

await using var running = api;
if (Array.IndexOf(args, "--push") is var at and >= 0 && args.Length >= at + 4)
{
    api.Broadcasts.Push = new JobFinishPush(args[at + 1], args[at + 2], args[at + 3], "gh_fake", args.Length > at + 4 ? args[at + 4] : null);
    api.Broadcasts.FinishDelay = TimeSpan.FromSeconds(2);
}

Console.WriteLine($"fake WeChat API on {api.BaseUrl} (Ctrl+C stops it)");
// The web host handles Ctrl+C and SIGTERM; its stopping token ends this loop.
var stop = api.Stopping;
var shown = 0;
while (!stop.IsCancellationRequested)
{
    var calls = api.Account.Calls;
    for (; shown < calls.Count; shown++)
    {
        Console.WriteLine($"  {calls[shown]}");
    }

    while (api.Broadcasts.Calls.TryDequeue(out var mass))
    {
        Console.WriteLine($"  mass {mass}");
    }

    try
    {
        await Task.Delay(200, stop);
    }
    catch (OperationCanceledException)
    {
    }
}

return 0;
