using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>Runs a browser test and keeps a screenshot of every open page when it fails (under TestResults/screenshots).</summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserFixture browser)
{
    protected IBrowser Browser => browser.Browser;

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    protected async Task WithScreenshotsAsync(Func<List<IPage>, Task> test, [CallerMemberName] string name = "")
    {
        var pages = new List<IPage>();
        try
        {
            await test(pages);
        }
        catch
        {
            Directory.CreateDirectory(ScreenshotDirectory);
            for (var i = 0; i < pages.Count; i++)
            {
                try
                {
                    await pages[i].ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{GetType().Name}-{name}-{i}.png"), FullPage = true });
                }
                catch (PlaywrightException)
                {
                    // The page is already gone; the assertion's message is what remains.
                }
            }

            throw;
        }
        finally
        {
            // Closed, so pages that refresh themselves stop polling a server that is gone.
            foreach (var context in pages.Select(p => p.Context).Distinct())
            {
                await context.CloseAsync();
            }
        }
    }

    /// <summary>
    /// Opens a dashboard page and waits until it has drawn its data: a page fetches its figures after it
    /// loads, so reading the DOM straight after the navigation can find the tables still empty.
    /// </summary>
    protected static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("#content[data-loaded]");
    }

    /// <summary>Waits for a locator's text to become <paramref name="expected"/> (the page refreshes itself).</summary>
    protected static Task ExpectTextAsync(ILocator locator, string expected, float timeoutMs = 15_000) =>
        Assertions.Expect(locator).ToHaveTextAsync(expected, new LocatorAssertionsToHaveTextOptions { Timeout = timeoutMs });
}
