using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// Reads and replaces the rules editor's text on a page (Unanswered's "Make a rule", Rules' "Edit and
/// publish"). The editor is Ace, not a textarea: its text is read and set through Ace's own API
/// (<c>ace.edit</c> on an element that already holds an editor returns that editor).
/// </summary>
public static class RulesEditor
{
    public const string Selector = "#draft-yaml";

    public static async Task<string> ReadAsync(IPage page)
    {
        await page.WaitForSelectorAsync($"{Selector}.ace_editor");
        return await page.EvaluateAsync<string>("() => ace.edit('draft-yaml').getValue()");
    }

    public static async Task WriteAsync(IPage page, string yaml)
    {
        await page.WaitForSelectorAsync($"{Selector}.ace_editor");
        await page.EvaluateAsync("yaml => ace.edit('draft-yaml').setValue(yaml, -1)", yaml);
    }
}
