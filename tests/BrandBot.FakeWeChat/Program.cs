using BrandBot.FakeWeChat;

// Runs the stand-in of WeChat's API by itself, for trying the account verbs without an account:
//   dotnet run --project tests/BrandBot.FakeWeChat -- http://127.0.0.1:9100
// It prints every account call it answers; state lives in this process and ends with it.
var url = args.FirstOrDefault() ?? "http://127.0.0.1:9100";
await using var api = await FakeWeChatApi.StartAsync(url);
Console.WriteLine($"fake WeChat API on {api.BaseUrl} (Ctrl+C stops it)");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
var shown = 0;
while (!stop.IsCancellationRequested)
{
    var calls = api.Account.Calls;
    for (; shown < calls.Count; shown++)
    {
        Console.WriteLine($"  {calls[shown]}");
    }

    try
    {
        await Task.Delay(200, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
}
