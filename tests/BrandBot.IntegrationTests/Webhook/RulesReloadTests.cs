using BrandBot.Protocol.Simulation;
using BrandBot.Rules.Store;
using BrandBot.Services;
using Microsoft.Extensions.DependencyInjection;

namespace BrandBot.IntegrationTests.Webhook;

public class RulesReloadTests
{
    [Fact]
    public async Task EditedRulesFile_IsLiveWithinSeconds_AndABrokenEditIsIgnored()
    {
        var file = TestAccounts.WriteRules(TestAccounts.Rules);
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(file));
        Assert.Equal("We open 9:00-21:00", await ReplyToAsync(server, "hours"));

        await File.WriteAllTextAsync(file, TestAccounts.Rules.Replace("We open 9:00-21:00", "Now open 8:00-22:00"));
        Assert.Equal("Now open 8:00-22:00", await EventuallyAsync(server, "hours", "Now open 8:00-22:00"));

        // A file with errors is not published: the previous version keeps answering.
        await File.WriteAllTextAsync(file, "rules:\n  - name: broken\n    keywords: [ regex: \"(\" ]\n    replies: [ text: \"x\" ]\n");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal("Now open 8:00-22:00", await ReplyToAsync(server, "hours"));
        Assert.Contains(server.Logs.Lines, l => l.Contains(" 2002 ") && l.Contains("regex"));
    }

    [Fact]
    public async Task AFileWrittenInTwoSteps_IsPublishedOnlyWhole()
    {
        var file = TestAccounts.WriteRules(TestAccounts.Rules);
        await using var server = await TestServer.StartAsync(TestAccounts.Settings(file));
        var edited = TestAccounts.Rules.Replace("We open 9:00-21:00", "Now open 8:00-22:00");
        // The first half ends after the "hours" rule: valid YAML on its own, with every other rule missing.
        var half = edited.IndexOf("  - name: news", StringComparison.Ordinal);

        // A writer that truncates, writes half, pauses (longer than a quick reader waits), then writes the rest.
        await using (var writer = new FileStream(file, FileMode.Truncate, FileAccess.Write))
        {
            await writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(edited[..half]));
            await writer.FlushAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(150));
            await writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(edited[half..]));
        }

        Assert.Equal("Now open 8:00-22:00", await EventuallyAsync(server, "hours", "Now open 8:00-22:00"));
        await Task.Delay(RulesFileService.SettleTime * 3);
        // Had the half been published, its audit record would show the rules it lacked as removed.
        var history = await server.Services.GetRequiredService<IRuleStore>().GetHistoryAsync("acme");
        Assert.All(history, record => Assert.Empty(record.Removed));
        Assert.Equal(2, history.Count);
    }

    private static async Task<string?> EventuallyAsync(TestServer server, string text, string expected)
    {
        string? last = null;
        for (var i = 0; i < 100 && last != expected; i++)
        {
            await Task.Delay(100);
            last = await ReplyToAsync(server, text);
        }

        return last;
    }

    // Each probe from its own follower: on the test's frozen clock one follower's 30-per-minute limit
    // never resets, and a slow reload (a loaded machine) took more than 30 probes — answered "success".
    private static async Task<string?> ReplyToAsync(TestServer server, string text) =>
        (await Wire.PushAsync(server.Client, Wire.Text(text, openId: $"oReload{Wire.Unique()}"), PushMode.Safe)).Reply()["Content"];
}
