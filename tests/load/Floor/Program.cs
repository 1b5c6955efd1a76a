// What the web server alone can do on this machine: read the body, answer "success".
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
app.MapPost("/wechat/{account}", static async (HttpRequest request) =>
{
    // Read the body like a real webhook must, so the floor is not flattered by skipping it.
    var buffer = new byte[8192];
    while (await request.Body.ReadAsync(buffer) > 0)
    {
    }

    return Results.Text("success");
});
app.Run();
