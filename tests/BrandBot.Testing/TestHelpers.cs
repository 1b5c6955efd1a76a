using System.Diagnostics;
using System.Globalization;

namespace BrandBot.Testing;

/// <summary>Small helpers the endpoint tests share.</summary>
public static class TestHelpers
{
    /// <summary>Sum of the samples of <paramref name="family"/> in Prometheus text whose labels include the value <paramref name="label"/>.</summary>
    public static long MetricSum(string metrics, string family, string label) =>
        metrics.Split('\n')
            .Where(l => l.StartsWith(family + "{", StringComparison.Ordinal) && l.Contains($"\"{label}\"", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    public static Task EventuallyAsync(Func<bool> condition, TimeSpan within, string? failure = null) => EventuallyAsync(() => Task.FromResult(condition()), within, failure);

    /// <summary>Polls until the condition holds; fails the test (with <paramref name="failure"/>, if given) when <paramref name="within"/> has passed.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within, string? failure = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < within, failure ?? $"condition not met within {within}");
            await Task.Delay(20);
        }
    }

    /// <summary>Polls until <paramref name="read"/> gives a value; fails the test when <paramref name="within"/> has passed.</summary>
    public static async Task<T> EventuallyValueAsync<T>(Func<Task<T?>> read, TimeSpan within)
        where T : struct
    {
        T? value = null;
        await EventuallyAsync(async () => (value = await read()) is not null, within);
        return value!.Value;
    }

    /// <summary>A settings file with one account that <c>simulate</c> can sign for.</summary>
    public static string SimulateSettings(string account = "acme")
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("brandbot-settings-").FullName, "settings.json");
        File.WriteAllText(path, $$"""
            { "BrandBot": { "Accounts": [ { "Name": "{{account}}", "AppId": "{{TestAccounts.AppId}}", "Token": "{{TestAccounts.Token}}", "EncodingAESKey": "{{TestAccounts.Key}}" } ] } }
            """);
        return path;
    }
}
