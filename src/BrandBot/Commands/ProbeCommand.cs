namespace BrandBot.Commands;

/// <summary>
/// <c>probe [URL]</c>: GETs a health endpoint and exits 0 on a 2xx answer, 1 otherwise — the
/// container health check, since the chiseled runtime image has no curl or shell.
/// </summary>
internal static class ProbeCommand
{
    public const string Usage = """
        brandbot probe [URL]
            GETs URL (default http://127.0.0.1:8080/healthz); exit 0 on 2xx, 1 otherwise.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var url = args.FirstOrDefault() ?? "http://127.0.0.1:8080/healthz";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(url);
            output.WriteLine($"{url} -> {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            error.WriteLine($"{url} -> {ex.Message}");
            return 1;
        }
    }
}
