using System.CommandLine;

namespace BrandBot.Commands;

/// <summary>
/// <c>probe [URL]</c>: GETs a health endpoint and exits 0 on a 2xx answer, 1 otherwise — the
/// container health check, since the chiseled runtime image has no curl or shell.
/// </summary>
internal static class ProbeCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var url = new Argument<string>("URL") { Description = "the health endpoint", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "http://127.0.0.1:8080/healthz" };
        var command = new Command("probe", "GETs URL; exit 0 on a 2xx answer, 1 otherwise (the container's health check).") { url };
        command.SetAction(parsed => RunAsync(parsed.GetValue(url)!, output, error));
        return command;
    }

    public static async Task<int> RunAsync(string url, TextWriter output, TextWriter error)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(url);
            output.WriteLine($"{url} -> {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? Cli.Done : Cli.Refused;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            error.WriteLine($"{url} -> {ex.Message}");
            return Cli.Refused;
        }
    }
}
